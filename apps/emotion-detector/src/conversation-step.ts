import {
  deterministicId, makeEvent, Topics,
  type Channel, type ComplaintIntent, type ConversationStatus, type Evidence, type InteractionEvent,
} from '@cx/contracts';
import type { OutEvent } from '@cx/kafka';

export const SOURCE = 'urn:cx:emotion-detector';

/** What the service needs of a detector: the flag with its evidence. */
export interface DetectionPort {
  detect(text: string, opts?: { language?: string }): {
    negative: boolean; language: string | null; supported: boolean; evidence: Evidence[];
    intents: ComplaintIntent[]; truncated: boolean;
  };
}

export interface ConversationState {
  customerId?: string;
  tier?: string;
  channel?: Channel;
  language?: string;
  status: ConversationStatus | 'new';
  streak: number;
}

export interface StepResult {
  state: ConversationState;
  outputs: OutEvent[];
  dropped?: string;
  truncated?: boolean;
  unsupportedLanguage?: boolean;
}

/** Pure: one interaction event applied to the conversation's state, with the events it causes. */
export function conversationStep(prev: ConversationState | undefined, e: InteractionEvent, detector: DetectionPort): StepResult {
  const state: ConversationState = prev ? { ...prev } : { status: 'new', streak: 0 };
  if (state.status === 'closed') return { state: prev!, outputs: [], dropped: 'conversation closed' };
  const outputs: OutEvent[] = [];
  const d = e.data;
  if ('channel' in d && d.channel) state.channel = d.channel;
  switch (e.type) {
    case 'cx.conversation.opened.v1':
      state.customerId = e.data.customer.id;
      state.tier = e.data.customer.tier;
      state.language = e.data.customer.language ?? state.language;
      if (state.status === 'new') state.status = 'open';
      break;
    case 'cx.conversation.status.v1':
      state.status = e.data.status;
      break;
    case 'cx.message.v1': {
      if (state.status === 'new') state.status = 'open';
      if (e.data.author.role !== 'customer') break;
      if (state.status === 'resolved') state.status = 'open';
      state.customerId ??= e.data.author.id;
      const r = detector.detect(e.data.text, { language: e.data.language ?? state.language });
      state.streak = r.negative ? state.streak + 1 : 0;
      const common = { subject: e.subject, tenantid: e.tenantid, time: e.time, source: SOURCE };
      const signal = makeEvent({
        ...common, type: 'cx.signal.emotion.v1', id: deterministicId(e.tenantid, e.source, e.id, 'emotion'),
        data: {
          conversationId: e.subject, channel: e.data.channel, customerId: state.customerId, messageId: e.data.messageId,
          negative: r.negative, language: r.language, evidence: r.evidence, intents: r.intents, streak: state.streak,
        },
      });
      outputs.push({ topic: Topics.signals, event: signal });
      if (r.negative) {
        outputs.push({
          topic: Topics.escalations,
          event: makeEvent({
            ...common, type: 'cx.escalation.requested.v1', id: deterministicId(e.tenantid, e.source, e.id, 'escalation'),
            data: {
              conversationId: e.subject, channel: e.data.channel, detector: 'emotion-detector',
              reasons: [{
                code: state.streak > 1 ? 'negative_streak' : 'negative_emotion',
                detail: state.streak > 1 ? `${state.streak} negative customer messages in a row` : 'negative emotion in a customer message',
                at: e.time, causeId: signal.id, evidence: r.evidence,
              }],
              intents: r.intents,
              customer: { id: state.customerId, tier: state.tier, language: r.language ?? undefined },
            },
          }),
        });
      }
      return { state, outputs, truncated: r.truncated, unsupportedLanguage: !r.supported };
    }
    default:
      if (state.status === 'new') state.status = 'open';
  }
  return { state, outputs };
}
