import {
  deterministicId, makeEvent, Topics,
  type Channel, type ComplaintIntent, type Priority, type CustomerContribution, type CustomerMessage, type Evidence, type InteractionEvent, type Reason,
} from '@cx/contracts';
import type { OutEvent } from '@cx/runtime';

export const SOURCE = 'urn:cx:emotion-detector';

type Cause = Pick<InteractionEvent, 'id' | 'source' | 'tenantid' | 'time' | 'subject' | 'traceparent' | 'tracestate'>;

export interface RequestInput {
  channel?: Channel;
  reasons: Reason[];
  intents: ComplaintIntent[];
  customer: { id?: string; tier?: string; language?: string };
  /** The customer's last messages (masked), so the person who takes it reads their own words. */
  lastMessages?: CustomerMessage[];
  /** The conversation's priority and queue as last known (severity and team follow them). */
  conversation?: { priority?: Priority; queue?: string };
}

/** Ids derive from the cause and the kind, so a replay re-emits the same ids. */
export const causeId = (c: Cause, kind: string) => deterministicId(c.tenantid, c.source, c.id, kind);

export function escalationRequest(c: Cause, kind: string, r: RequestInput): OutEvent {
  const context = {
    ...(r.lastMessages?.length ? { lastMessages: r.lastMessages } : {}),
    ...(r.conversation?.priority ? { priority: r.conversation.priority } : {}),
    ...(r.conversation?.queue ? { queue: r.conversation.queue } : {}),
  };
  return {
    topic: Topics.escalations,
    event: makeEvent({
      type: 'cx.escalation.requested.v1', source: SOURCE, subject: c.subject, tenantid: c.tenantid, time: c.time,
      id: causeId(c, `request:${kind}`), cause: c,
      data: { conversationId: c.subject, channel: r.channel, detector: 'emotion-detector' as const, reasons: r.reasons, intents: r.intents, customer: r.customer,
        ...(Object.keys(context).length ? { context } : {}) },
    }),
  };
}

export function customerContribution(c: Cause, data: Omit<CustomerContribution['data'], 'fromConversationId'>): OutEvent {
  return {
    topic: Topics.customerContributions,
    event: makeEvent({
      type: 'cx.emotion.customer_contribution.v1', source: SOURCE, subject: data.customerId, tenantid: c.tenantid, time: c.time,
      id: causeId(c, 'contribution'), cause: c, data: { ...data, fromConversationId: c.subject },
    }),
  };
}

export function reason(code: Reason['code'], detail: string, at: string, cause: string, evidence: Evidence[]): Reason {
  return { code, detail, at, causeId: cause, evidence };
}
