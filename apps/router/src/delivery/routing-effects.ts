import type { ChainableCommander } from 'ioredis';
import type { OutEvent } from '@cx/kafka';
import { slackPayload, type RoutingNotification } from '@cx/routing';
import { publicView, type StoredEscalation } from '../store/escalation.store';
import { notificationEvent } from '../store/escalation-events';
import type { WebhookQueue } from './webhook-queue';

/** What a routing decision (raise, re-route, ladder step) sets off besides the state change. */
export class RoutingEffects {
  readonly events: OutEvent[] = [];
  private readonly jobs: Parameters<WebhookQueue['enqueue']>[1][] = [];

  constructor(private readonly queue: WebhookQueue) {}

  /**
   * SSE notifications go out with the change itself (the fan-out), so they are recorded as
   * delivered to the live stream now; webhooks are queued and recorded when the HTTP call ends.
   */
  add(e: StoredEscalation, notifications: RoutingNotification[]): void {
    for (const n of notifications) {
      if (n.channel === 'sse') this.events.push(notificationEvent(e, n, 'delivered', 1, e.updatedAt));
      else this.jobs.push({
        tenant: e.tenantId, team: n.recipient.replace(/^webhook:/, ''), escalationId: e.escalationId,
        conversationId: e.conversationId, step: n.step, payload: slackPayload(publicView(e), n.step),
      });
    }
  }

  apply(multi: ChainableCommander, now = Date.now()): void {
    for (const j of this.jobs) this.queue.enqueue(multi, j, now);
  }
}
