import { Inject, Injectable } from '@nestjs/common';
import type { EscalationEvent } from '@cx/contracts';
import { isolate, type BatchResult, type InboundBatch, type OutEvent, type Rejection } from '@cx/kafka';
import { mergeRequest } from '@cx/routing';
import { EscalationStore, type StoredEscalation } from './escalation.store';
import { lifecycleEvent } from './escalation-events';
import { SseHub, type ChangeKind } from './sse.hub';
import { TenantRoutingConfig } from './routing-config.provider';

export const ROUTER_STATE_TTL = Symbol('ROUTER_STATE_TTL');

/**
 * Merges escalation requests into at most one open escalation per conversation. Time is the
 * request's event time, so a replay after a crash computes the same escalation and ids.
 */
@Injectable()
export class InboxPipeline {
  constructor(
    private readonly store: EscalationStore,
    private readonly hub: SseHub,
    private readonly config: TenantRoutingConfig,
    @Inject(ROUTER_STATE_TTL) private readonly ttl: number,
  ) {}

  async process(batch: InboundBatch<EscalationEvent>): Promise<BatchResult<EscalationEvent>> {
    const dropped: Rejection<EscalationEvent>[] = [];
    const requests = batch.items.filter((item) => {
      if (item.event.type === 'cx.escalation.requested.v1') return true;
      dropped.push({ item, reason: 'lifecycle event of the router itself' });
      return false;
    });
    const current = await this.store.byConversations(requests.map((i) => ({ tenant: i.event.tenantid, conversationId: i.event.subject })));
    const changes: { kind: ChangeKind; escalation: StoredEscalation }[] = [];
    const touched = new Map<string, StoredEscalation>();
    const { deadLetters } = isolate(requests, ({ event }) => {
      if (event.type !== 'cx.escalation.requested.v1') return;
      const key = this.store.convKey(event.tenantid, event.subject);
      const existing = current.get(key);
      const r = mergeRequest(existing, event, this.config.forTenant(event.tenantid), event.time);
      if (r.escalation === existing) return;
      const escalation: StoredEscalation = { ...r.escalation, tenantId: event.tenantid };
      current.set(key, escalation);
      touched.set(key, escalation);
      if (r.change !== 'unchanged') changes.push({ kind: r.change, escalation });
    });
    const outputs = changes.map((c) => lifecycleEvent(c.kind, c.escalation)).filter((o): o is OutEvent => !!o);
    return {
      outputs,
      deadLetters,
      dropped,
      persist: (multi) => { for (const e of touched.values()) this.store.save(multi, e, this.ttl); },
      afterCommit: () => { for (const c of changes) this.hub.publish(c.kind, c.escalation); },
    };
  }
}
