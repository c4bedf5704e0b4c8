import { deterministicId, makeEvent, Topics } from '@cx/contracts';
import type { OutEvent } from '@cx/runtime';
import type { RoutingNotification } from '@cx/routing';
import { publicView, type StoredEscalation } from './escalation.store';
import type { ChangeLabel } from './change-feed';

export const SOURCE = 'urn:cx:router';

/**
 * The Kafka event for an escalation change. Ids derive from the escalation and the change (and
 * for a merge or reroute the id of the request that caused it), so a replay or a retried commit
 * repeats the same id and consumers de-duplicate it. The request's event time alone was not
 * enough: two requests of one conversation at the same instant (an emotion flag and the customer
 * at-risk signal of the same message) made two different updates with one id.
 */
export function lifecycleEvent(change: ChangeLabel, e: StoredEscalation, causeId?: string): OutEvent {
  const base = { source: SOURCE, subject: e.conversationId, tenantid: e.tenantId, time: e.updatedAt, cause: e.trace };
  const view = publicView(e);
  if (change === 'raised' || change === 'acknowledged' || change === 'resolved') {
    return {
      topic: Topics.escalations,
      event: makeEvent({ ...base, type: `cx.escalation.${change}.v1` as const, id: deterministicId(e.tenantId, e.escalationId, change), data: view }),
    };
  }
  const discriminator = change === 'escalated' ? `step-${e.ladderStep}` : `${e.ladderStep}-${e.updatedAt}${causeId ? `-${causeId}` : ''}`;
  return {
    topic: Topics.escalations,
    event: makeEvent({
      ...base, type: 'cx.escalation.updated.v1' as const, id: deterministicId(e.tenantId, e.escalationId, change, discriminator),
      data: { ...view, change },
    }),
  };
}

export type NotificationOutcome = 'delivered' | 'failed' | 'dead_lettered';

/** `cx.notification.sent.v1` for one delivery; the webhook URL never leaves the router. */
export function notificationEvent(e: Pick<StoredEscalation, 'tenantId' | 'escalationId' | 'conversationId' | 'trace'>,
  n: Pick<RoutingNotification, 'channel' | 'recipient' | 'step'>, outcome: NotificationOutcome, attempts: number, time: string): OutEvent {
  return {
    topic: Topics.notifications,
    event: makeEvent({
      type: 'cx.notification.sent.v1' as const, source: SOURCE, subject: e.conversationId, tenantid: e.tenantId, time, cause: e.trace,
      id: deterministicId(e.tenantId, e.escalationId, 'notify', n.channel, n.recipient, String(n.step), outcome),
      data: { escalationId: e.escalationId, conversationId: e.conversationId, channel: n.channel, recipient: n.recipient, step: n.step, outcome, attempts },
    }),
  };
}
