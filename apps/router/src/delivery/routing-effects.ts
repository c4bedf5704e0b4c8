/*
 * What a routing decision (raise, re-route, ladder step) sets off besides the state change:
 * `cx.notification.sent.v1` for live-stream deliveries (they go out with the change itself, the
 * fan-out) and webhook jobs, enqueued in the same commit.
 */
import { slackPayload, type RoutingNotification } from '@cx/routing';
import type { Cmd, OutEvent } from '@cx/runtime';
import { publicView, type StoredEscalation } from '../store/escalation.store';
import { notificationEvent } from '../store/escalation-events';
import type { WebhookQueue } from './webhook-queue';

export function routingEffects(queue: WebhookQueue, e: StoredEscalation, notifications: RoutingNotification[], nowMs: number): { events: OutEvent[]; commands: Cmd[] } {
  const events: OutEvent[] = [];
  const commands: Cmd[] = [];
  for (const n of notifications) {
    if (n.channel === 'sse') events.push(notificationEvent(e, n, 'delivered', 1, e.updatedAt));
    else {
      commands.push(...queue.enqueueCommands({
        tenant: e.tenantId, team: n.recipient.replace(/^webhook:/, ''), escalationId: e.escalationId,
        conversationId: e.conversationId, step: n.step, payload: slackPayload(publicView(e), n.step), ...(e.trace?.traceparent ? { trace: e.trace } : {}),
      }, nowMs));
    }
  }
  return { events, commands };
}
