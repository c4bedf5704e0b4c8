import type { InteractionEvent } from '@cx/contracts';
import { isolate, type BatchResult, type InboundBatch, type OutEvent, type Rejection } from '@cx/kafka';
import { applyEvent, decodeState, encodeState, nextDueOf, openClocks, type PolicySet, type SlaState } from '@cx/sla';
import { convKey, parseConvKey } from './sla-keys';
import type { SlaMetrics } from './sla-metrics';
import { firingOutputs, type EscalateOn } from './sla-outputs';
import type { ConsumerWrite, SlaStore } from './sla-store';

export interface PipelineOptions {
  instanceId: string;
  stateTtlSeconds: number;
  closedTtlSeconds: number;
  escalateOn: EscalateOn;
}

interface Conv {
  ck: string;
  before?: SlaState;
  state?: SlaState;
  changed: boolean;
}


/**
 * The consumer side: per batch, hold and load the conversations' states in one round trip, apply
 * the pure engine at each event's own time, and write states + timer changes in the batch's MULTI.
 * It publishes only what the engine fires at once (an event at or past a threshold's instant);
 * everything else fires from the scheduler.
 */
export class SlaPipeline {
  constructor(
    private readonly store: SlaStore,
    private readonly policies: PolicySet,
    private readonly metrics: SlaMetrics,
    private readonly options: PipelineOptions,
  ) {}

  async process(batch: InboundBatch<InteractionEvent>): Promise<BatchResult<InteractionEvent>> {
    // Stable per instance and topic, so a retried batch re-holds with the same token and releases
    // it once. Concurrent batches of one instance own different partitions, so different conversations.
    const holder = `${this.options.instanceId}:${batch.topic}`;
    const cks = [...new Set(batch.items.map((i) => convKey({ tenantid: i.event.tenantid, conversationId: i.event.data.conversationId })))];
    const loaded = await this.store.holdAndLoad(cks, holder);
    const convs = new Map<string, Conv>();
    for (const ck of cks) {
      const raw = loaded.get(ck);
      const before = raw ? decodeState(raw) : undefined;
      convs.set(ck, { ck, before, state: before, changed: false });
    }
    const outputs: OutEvent[] = [];
    const dropped: Rejection<InteractionEvent>[] = [];
    let late = 0;
    let closedDrops = 0;
    let duplicates = 0;
    const { deadLetters } = isolate(batch.items, (item) => {
      const e = item.event;
      const conv = convs.get(convKey({ tenantid: e.tenantid, conversationId: e.data.conversationId }))!;
      const r = applyEvent(conv.state, e, this.policies);
      if (r.lateEvent) late++;
      if (r.outcome === 'dropped-closed') {
        closedDrops++;
        return dropped.push({ item, reason: 'conversation closed' });
      }
      if (r.outcome === 'duplicate') {
        duplicates++;
        return dropped.push({ item, reason: 'duplicate event' });
      }
      conv.state = r.state;
      conv.changed = true;
      for (const f of r.firings) outputs.push(...firingOutputs(f, r.state, this.options.escalateOn));
    });
    const writes = [...convs.values()].map((c) => this.writeOf(c));
    return {
      outputs,
      deadLetters,
      dropped,
      persist: (multi) => this.store.write(multi, writes, holder),
      afterCommit: () => {
        this.metrics.emitted(outputs, 'event');
        if (late) this.metrics.lateEvents.inc({ topic: batch.topic }, late);
        if (closedDrops) this.metrics.dropped.inc({ reason: 'closed' }, closedDrops);
        if (duplicates) this.metrics.dropped.inc({ reason: 'duplicate' }, duplicates);
      },
    };
  }

  private writeOf(c: Conv): ConsumerWrite {
    const w: ConsumerWrite = { ck: c.ck, ttlSeconds: this.options.stateTtlSeconds, openDelta: {} };
    if (!c.changed || !c.state) return w; // still written: it releases the hold
    w.state = encodeState(c.state);
    if (c.state.st === 'c') w.ttlSeconds = this.options.closedTtlSeconds;
    const { conversationId } = parseConvKey(c.ck);
    const due = nextDueOf(conversationId, c.state, this.policies);
    if (due !== nextDueOf(conversationId, c.before, this.policies) || !c.before) w.due = due;
    const after = openClocks(c.state, this.policies);
    const prior = c.before ? openClocks(c.before, this.policies) : {};
    for (const m of new Set([...Object.keys(after), ...Object.keys(prior)])) {
      const d = (after[m as keyof typeof after] ?? 0) - (prior[m as keyof typeof prior] ?? 0);
      if (d !== 0) w.openDelta[m] = d;
    }
    return w;
  }
}
