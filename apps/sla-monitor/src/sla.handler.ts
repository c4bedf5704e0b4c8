/*
 * The sla-monitor's consumer as a runtime handler: per unit, read the conversations' states (one
 * round trip), apply the pure engine at each event's own time, and return per conversation the new
 * state guarded by the state it was planned from (the scheduler writes states too), its next due
 * instant, the open-clock deltas and what the engine fired at once (an event at or past a
 * threshold's instant). Everything else fires from the scheduler.
 */
import { Inject, Injectable } from '@nestjs/common';
import type { InteractionEvent } from '@cx/contracts';
import { REDIS, type RedisClient } from '@cx/redis';
import { digestOf, isolate, readStates, type Change, type Cmd, type Count, type InboundItem, type OutEvent, type Plan, type Rejection, type UnitHandler } from '@cx/runtime';
import { applyEvent, decodeState, encodeState, nextDueOf, openClocks, type PolicySet, type SlaState } from '@cx/sla';
import { convKey, SlaKeys } from './sla-keys';
import { firingCounts } from './sla-metrics';
import { firingOutputs, type EscalateOn } from './sla-outputs';
import { SLA_POLICIES } from './sla-policies';

export interface SlaHandlerOptions {
  stateTtlSeconds: number;
  closedTtlSeconds: number;
  escalateOn: EscalateOn;
}
export const SLA_HANDLER_OPTIONS = Symbol('SLA_HANDLER_OPTIONS');

type Loaded = Map<string, string | null>;

interface Conv {
  ck: string;
  conversationId: string;
  raw: string | null;
  before?: SlaState;
  state?: SlaState;
  changed: boolean;
  events: OutEvent[];
  counts: Count[];
}

@Injectable()
export class SlaHandler implements UnitHandler<InteractionEvent, Loaded> {
  constructor(
    @Inject(REDIS) private readonly redis: RedisClient,
    private readonly keys: SlaKeys,
    @Inject(SLA_POLICIES) private readonly policies: { current(): PolicySet },
    @Inject(SLA_HANDLER_OPTIONS) private readonly options: SlaHandlerOptions,
  ) {}

  private ck(e: InteractionEvent): string {
    return convKey({ tenantid: e.tenantid, conversationId: e.data.conversationId });
  }

  route(e: InteractionEvent) {
    return this.keys.conversation(this.ck(e));
  }

  prepare(events: InteractionEvent[]): Promise<Loaded> {
    return readStates(this.redis, events, (e) => this.route(e));
  }

  plan(items: InboundItem<InteractionEvent>[], loaded: Loaded): Plan<InteractionEvent> {
    const policies = this.policies.current();
    const convs = new Map<string, Conv>();
    const dropped: Rejection<InteractionEvent>[] = [];
    const { deadLetters } = isolate(items, (item) => {
      const e = item.event;
      const ck = this.ck(e);
      let conv = convs.get(ck);
      if (!conv) {
        const raw = loaded.get(this.keys.conversation(ck).key) ?? null;
        const before = raw ? decodeState(raw) : undefined;
        convs.set(ck, (conv = { ck, conversationId: e.data.conversationId, raw, before, state: before, changed: false, events: [], counts: [] }));
      }
      const r = applyEvent(conv.state, e, policies);
      if (r.lateEvent) conv.counts.push({ metric: 'cx_sla_late_events_total', labels: { topic: item.topic } });
      if (r.outcome !== 'applied') {
        const reason = r.outcome === 'dropped-closed' ? 'closed' : 'duplicate';
        conv.counts.push({ metric: 'cx_sla_dropped_events_total', labels: { reason } });
        return void dropped.push({ item, reason: reason === 'closed' ? 'conversation closed' : 'duplicate event' });
      }
      conv.state = r.state;
      conv.changed = true;
      const fired = r.firings.flatMap((f) => firingOutputs(f, r.state, this.options.escalateOn));
      conv.events.push(...fired);
      conv.counts.push(...firingCounts(fired, 'event'));
    });
    return { changes: [...convs.values()].map((c) => this.changeOf(c, policies)), deadLetters, dropped };
  }

  private changeOf(c: Conv, policies: PolicySet): Change {
    const route = this.keys.conversation(c.ck);
    const change: Change = { shard: route.shard, entity: route.entity, events: c.events, counts: c.counts };
    if (!c.changed || !c.state) return change;
    const commands: Cmd[] = [];
    const ttl = c.state.st === 'c' ? this.options.closedTtlSeconds : this.options.stateTtlSeconds;
    commands.push({ name: 'SET', keys: [route.key], args: [encodeState(c.state), 'EX', ttl] });
    const due = nextDueOf(c.conversationId, c.state, policies);
    if (!c.before || due !== nextDueOf(c.conversationId, c.before, policies)) {
      commands.push(due === null
        ? { name: 'ZREM', keys: [this.keys.due(route.shard)], args: [c.ck] }
        : { name: 'ZADD', keys: [this.keys.due(route.shard)], args: [due, c.ck] });
    }
    const after = openClocks(c.state, policies);
    const prior = c.before ? openClocks(c.before, policies) : {};
    for (const m of new Set([...Object.keys(after), ...Object.keys(prior)])) {
      const d = (after[m as keyof typeof after] ?? 0) - (prior[m as keyof typeof prior] ?? 0);
      if (d !== 0) commands.push({ name: 'HINCRBY', keys: [this.keys.open(route.shard)], args: [m, d] });
    }
    return { ...change, guards: [{ key: route.key, digest: digestOf(c.raw) }], commands };
  }
}
