import { makeEvent, maskPersonalData, Topics, type Channel, type ConversationStatus, type CustomerMessage, type InteractionEvent, type Priority, type Reason } from '@cx/contracts';
import { applyConversationStatus, applyCustomerMessage, initialConversationEmotionState, type ConversationEmotionState } from '@cx/emotion';
import type { OutEvent } from '@cx/runtime';
import { causeId, customerContribution, escalationRequest, reason, SOURCE } from './emotion-events';
import type { TenantEmotion } from './tenant-emotion.config';

export interface ConversationState {
  customerId?: string;
  tier?: string;
  channel?: Channel;
  language?: string;
  priority?: Priority;
  queue?: string;
  status: ConversationStatus | 'new';
  emo: ConversationEmotionState;
  /** The customer's last messages, masked, for the escalation's context (principle 6). */
  messages?: CustomerMessage[];
}

/** Customer messages kept per conversation for escalations, and characters kept of each. */
export const LAST_MESSAGES = 5;
const MESSAGE_CHARS = 500;

export type AnalysisOutcome = 'negative' | 'not_negative' | 'unsupported_language' | 'empty';

export interface StepResult {
  state: ConversationState;
  outputs: OutEvent[];
  dropped?: string;
  analysed?: { language: 'en' | 'de' | 'unknown'; outcome: AnalysisOutcome; truncated: boolean };
}

/**
 * Pure: one interaction event applied to a conversation. Customer messages are analysed and
 * flagged; a negative one (or one with a complaint intent) requests an escalation; a closing
 * on an upset customer is "ended negative"; customer-level contributions go to the customer's
 * own partition (the internal topic) where the cross-conversation score lives.
 */
export function emotionStep(prev: ConversationState | undefined, e: InteractionEvent, t: TenantEmotion): StepResult {
  if (prev?.status === 'closed') return { state: prev, outputs: [], dropped: 'conversation closed' };
  const state: ConversationState = prev ? { ...prev } : { status: 'new', emo: initialConversationEmotionState() };
  if (e.data.channel) state.channel = e.data.channel;
  const outputs: OutEvent[] = [];
  const customer = () => ({ id: state.customerId, tier: state.tier, language: state.language });
  const conversation = () => ({ priority: state.priority, queue: state.queue });
  switch (e.type) {
    case 'cx.conversation.opened.v1':
      state.customerId = e.data.customer.id;
      state.tier = e.data.customer.tier;
      state.language = e.data.customer.language ?? state.language;
      state.priority = e.data.priority ?? state.priority;
      state.queue = e.data.queue ?? state.queue;
      break;
    case 'cx.conversation.updated.v1':
      // Only what changed is present; escalations raised from now on carry the new values.
      state.tier = e.data.customer?.tier ?? state.tier;
      state.language = e.data.customer?.language ?? state.language;
      state.priority = e.data.priority ?? state.priority;
      state.queue = e.data.queue ?? state.queue;
      break;
    case 'cx.call.queued.v1':
      state.queue = e.data.queue ?? state.queue;
      break;
    case 'cx.conversation.status.v1': {
      state.status = e.data.status;
      const r = applyConversationStatus(state.emo, e.data.status, t.conversation);
      state.emo = r.state;
      if (!r.endedNegative) break;
      const ended = r.endedNegative;
      const signal = makeEvent({
        type: 'cx.signal.ended_negative.v1', source: SOURCE, subject: e.subject, tenantid: e.tenantid, time: e.time, id: causeId(e, 'ended_negative'), cause: e,
        data: { conversationId: e.subject, channel: state.channel, customerId: state.customerId, status: ended.status, negativeTail: Math.max(1, ended.negativeTail), lastNegativeAt: ended.lastNegativeAt, evidence: ended.evidence },
      });
      outputs.push({ topic: Topics.signals, event: signal });
      outputs.push(escalationRequest(e, 'ended_negative', {
        channel: state.channel, intents: [], customer: customer(), conversation: conversation(), lastMessages: state.messages,
        reasons: [reason('ended_negative', `conversation ${ended.status} while the customer was upset (${ended.negativeTail} of the last messages negative): follow up`, e.time, signal.id, ended.evidence)],
      }));
      if (state.customerId) outputs.push(customerContribution(e, { customerId: state.customerId, channel: state.channel, at: e.time, negative: false, endedNegative: true, intents: [], evidence: ended.evidence }));
      break;
    }
    case 'cx.message.v1': {
      if (e.data.author.role !== 'customer') break;
      if (state.status === 'resolved') state.status = 'open';
      state.customerId ??= e.data.author.id;
      const r = t.detector.detect(e.data.text, { language: e.data.language ?? state.language, platformSentiment: e.data.platformSentiment });
      const applied = applyCustomerMessage(state.emo, { negative: r.negative, at: e.time, evidence: r.evidence }, t.conversation);
      state.emo = applied.state;
      state.messages = [...(state.messages ?? []), {
        messageId: e.data.messageId, at: e.time, text: maskPersonalData(e.data.text).slice(0, MESSAGE_CHARS), language: r.language, negative: r.negative,
      }].slice(-LAST_MESSAGES);
      const signal = makeEvent({
        type: 'cx.signal.emotion.v1', source: SOURCE, subject: e.subject, tenantid: e.tenantid, time: e.time, id: causeId(e, 'emotion'), cause: e,
        data: { conversationId: e.subject, channel: e.data.channel, customerId: state.customerId, messageId: e.data.messageId, negative: r.negative, language: r.language, evidence: r.evidence, intents: r.intents, streak: applied.streak },
      });
      outputs.push({ topic: Topics.signals, event: signal });
      const reasons: Reason[] = [];
      if (r.negative) {
        reasons.push(applied.streak > 1
          ? reason('negative_streak', `${applied.streak} negative customer messages in a row`, e.time, signal.id, r.evidence)
          : reason('negative_emotion', 'negative emotion in a customer message', e.time, signal.id, r.evidence));
      }
      if (r.intents.length) reasons.push(reason('complaint_intent', `complaint: ${r.intents.join(', ')}`, e.time, `${signal.id}:intent`, r.evidence));
      if (reasons.length) outputs.push(escalationRequest(e, 'message', { channel: e.data.channel, reasons, intents: r.intents, customer: { ...customer(), language: r.language ?? state.language }, conversation: conversation(), lastMessages: state.messages }));
      if (r.negative && state.customerId) {
        outputs.push(customerContribution(e, { customerId: state.customerId, channel: e.data.channel, at: e.time, negative: true, endedNegative: false, intents: r.intents, evidence: r.evidence }));
      }
      const outcome: AnalysisOutcome = r.reason === 'unsupported_language' ? 'unsupported_language' : r.reason ? 'empty' : r.negative ? 'negative' : 'not_negative';
      if (state.status === 'new') state.status = 'open';
      return { state, outputs, analysed: { language: r.language ?? 'unknown', outcome, truncated: r.truncated } };
    }
    default:
      break;
  }
  if (state.status === 'new') state.status = 'open';
  return { state, outputs };
}
