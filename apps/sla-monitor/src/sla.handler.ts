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
import { applyEvent, decodeState, encodeState, nextDueOf, openClocks, type PolicySet, type SlaCompletion, type SlaState } from '@cx/sla';
import { convKey, SlaKeys } from './sla-keys';
import { completionCounts, firingCounts } from './sla-metrics';
import { firingOutputs, type EscalateOn } from './sla-outputs';
import { joinStored, loadState, PolicyVersions, splitStored } from './sla-policy-versions';

export interface SlaHandlerOptions {
  stateTtlSeconds: number;
  closedTtlSeconds: number;
  escalateOn: EscalateOn;
}
export const SLA_HANDLER_OPTIONS = Symbol('SLA_HANDLER_OPTIONS');

type Loaded = Map<string, string | null>;

const DROP_REASON = { 'dropped-closed': 'closed', duplicate: 'duplicate', 'ignored-channel-change': 'channel_change' } as const;

interface Conv {
  ck: string;
  conversationId: string;
  raw: string | null;
  /** The state as stored and the policies that planned it (what its timer and open counts in Redis reflect). */
  before?: SlaState;
  beforeSet?: PolicySet;
  state?: SlaState;
  changed: boolean;
  events: OutEvent[];
  counts: Count[];
  /** Attainment bucket increments of the clocks that ended (written with the state). */
  attainment: Cmd[];
}

@Injectable()
export class SlaHandler implements UnitHandler<InteractionEvent, Loaded> {
  constructor(
    @Inject(REDIS) private readonly redis: RedisClient,
    private readonly keys: SlaKeys,
    private readonly versions: PolicyVersions,
    @Inject(SLA_HANDLER_OPTIONS) private readonly options: SlaHandlerOptions,
  ) {}

  private ck(e: InteractionEvent): string {
    return convKey({ tenantid: e.tenantid, conversationId: e.data.conversationId });
  }

  route(e: InteractionEvent) {
    return this.keys.conversation(this.ck(e));
  }

  /** The states, and any policy version that planned one of them and this instance has not seen. */
  async prepare(events: InteractionEvent[]): Promise<Loaded> {
    const loaded = await readStates(this.redis, events, (e) => this.route(e));
    await this.versions.ensure([...loaded.values()].map((raw) => (raw ? splitStored(raw).version : undefined)));
    return loaded;
  }

  plan(items: InboundItem<InteractionEvent>[], loaded: Loaded): Plan<InteractionEvent> {
    const policies = this.versions.current().set;
    const convs = new Map<string, Conv>();
    const dropped: Rejection<InteractionEvent>[] = [];
    const { deadLetters } = isolate(items, (item) => {
      const e = item.event;
      const ck = this.ck(e);
      let conv = convs.get(ck);
      if (!conv) {
        const raw = loaded.get(this.keys.conversation(ck).key) ?? null;
        const stored = raw ? loadState(raw, e.data.conversationId, this.versions, decodeState) : undefined;
        conv = { ck, conversationId: e.data.conversationId, raw, before: stored?.stored, beforeSet: stored?.storedSet, state: stored?.state, changed: !!stored?.migrated, events: [], counts: [], attainment: [] };
        if (stored?.migrated) this.fired(conv, stored.migrated.firings, stored.migrated.completions, stored.state);
        convs.set(ck, conv);
      }
      const r = applyEvent(conv.state, e, policies);
      if (r.lateEvent) conv.counts.push({ metric: 'cx_sla_late_events_total', labels: { topic: item.topic } });
      if (r.outcome !== 'applied') {
        const reason = DROP_REASON[r.outcome];
        conv.counts.push({ metric: 'cx_sla_dropped_events_total', labels: { reason } });
        // An update naming another channel is remembered as seen (the engine's duplicate check).
        if (r.outcome === 'ignored-channel-change') { conv.state = r.state; conv.changed = true; }
        return void dropped.push({ item, reason: `not applied: ${reason.replace('_', ' ')}` });
      }
      conv.state = r.state;
      conv.changed = true;
      this.fired(conv, r.firings, r.completions, r.state);
    });
    return { changes: [...convs.values()].map((c) => this.changeOf(c, policies)), deadLetters, dropped };
  }

  private fired(conv: Conv, firings: Parameters<typeof firingOutputs>[0][], completions: SlaCompletion[], state: SlaState): void {
    const outputs = firings.flatMap((f) => firingOutputs(f, state, this.options.escalateOn));
    conv.events.push(...outputs);
    conv.counts.push(...firingCounts(outputs, 'event'), ...completionCounts(completions));
    conv.attainment.push(...this.keys.attainment(this.keys.conversation(conv.ck).shard, completions, state));
  }

  private changeOf(c: Conv, policies: PolicySet): Change {
    const route = this.keys.conversation(c.ck);
    const change: Change = { shard: route.shard, entity: route.entity, events: c.events, counts: c.counts };
    if (!c.changed || !c.state) return c.attainment.length ? { ...change, commands: c.attainment } : change;
    const commands: Cmd[] = [];
    const ttl = c.state.st === 'c' ? this.options.closedTtlSeconds : this.options.stateTtlSeconds;
    commands.push({ name: 'SET', keys: [route.key], args: [joinStored(this.versions.current().version, encodeState(c.state)), 'EX', ttl] });
    const due = nextDueOf(c.conversationId, c.state, policies);
    const beforeSet = c.beforeSet ?? policies;
    if (!c.before || due !== nextDueOf(c.conversationId, c.before, beforeSet)) {
      commands.push(due === null
        ? { name: 'ZREM', keys: [this.keys.due(route.shard)], args: [c.ck] }
        : { name: 'ZADD', keys: [this.keys.due(route.shard)], args: [due, c.ck] });
    }
    const after = openClocks(c.state, policies);
    const prior = c.before ? openClocks(c.before, beforeSet) : {};
    for (const m of new Set([...Object.keys(after), ...Object.keys(prior)])) {
      const d = (after[m as keyof typeof after] ?? 0) - (prior[m as keyof typeof prior] ?? 0);
      if (d !== 0) commands.push({ name: 'HINCRBY', keys: [this.keys.open(route.shard)], args: [m, d] });
    }
    commands.push(...c.attainment);
    return { ...change, guards: [{ key: route.key, digest: digestOf(c.raw) }], commands };
  }
}
