/*
 * One consumer unit (every partition batch of one Kafka fetch) from decoded events to committed
 * effects: de-duplicate against the shards' marks while the handlers read their state (one round
 * trip), plan (pure), commit the changes per entity (Committer), and publish the dead letters. A
 * part refused by a guard or by a mark another instance just set is planned again from fresh reads;
 * whatever applied stays applied (its marks keep it from applying twice). Every message ends in
 * exactly one outcome, counted once, here.
 */
import { deadLetter, reasonClass } from '@cx/kafka';
import type { Outcome, PipelineMetrics } from '@cx/metrics';
import { markOf, seenMarks, type RedisClient } from '@cx/redis';
import { markDeadLettered } from '@cx/tracing';
import type { Committer, Part } from './committer';
import type { Change, InboundItem, Plan, Rejection, UnitHandler } from './plan';

type Envelope = { id: string; source: string; tenantid: string };

/** One topic's share of a unit. */
export interface TopicUnit<E = unknown> {
  topic: string;
  handler: UnitHandler<E>;
  items: InboundItem<E>[];
  /** Messages that failed decoding: dead-lettered as they are. */
  invalid: Rejection<E>[];
  /** Messages of types the handler ignores (UnitHandler.ignores), skipped undecoded: dropped. */
  ignored?: number;
}

/** How often a unit is planned again after its parts lost races before the transport's retry takes over. */
const MAX_REPLANS = 20;

interface Tracked {
  item: InboundItem<unknown>;
  mark: string;
  shard: number;
  entity: string;
  topic: number;
}

type Tally = Record<Outcome, number>;
type DeadLetter = { topic: string; rejection: Rejection<unknown> };

export class UnitRunner {
  constructor(
    private readonly redis: RedisClient,
    private readonly committer: Committer,
    private readonly metrics: PipelineMetrics,
    private readonly clock: () => number = Date.now,
  ) {}

  async run(units: TopicUnit[]): Promise<void> {
    const tallies: Tally[] = units.map(() => ({ ok: 0, dropped: 0, dead_lettered: 0, retried: 0 }));
    const dead: DeadLetter[] = units.flatMap((u) => u.invalid.map((rejection) => ({ topic: u.topic, rejection })));
    units.forEach((u, t) => { tallies[t].dead_lettered += u.invalid.length; tallies[t].dropped += u.ignored ?? 0; });
    const inUnit = new Set<string>();
    let pending: Tracked[] = [];
    units.forEach((u, t) => {
      for (const item of u.items) {
        const mark = markOf(item.event as Envelope);
        if (inUnit.has(mark)) { tallies[t].dropped++; continue; } // the same event twice in one unit
        inUnit.add(mark);
        pending.push({ item, mark, ...u.handler.route(item.event), topic: t });
      }
    });
    for (let round = 1; pending.length > 0; round++) {
      if (round > MAX_REPLANS) throw new Error(`unit still conflicting after ${MAX_REPLANS} plans`);
      pending = await this.round(units, pending, tallies, dead);
    }
    if (dead.length) {
      await this.committer.apply([], dead.map(({ topic, rejection: { item, reason } }) =>
        deadLetter(item.raw, { topic, partition: item.partition, offset: item.offset, service: this.metrics.service }, reason)));
    }
    units.forEach((u, t) => {
      for (const [outcome, n] of Object.entries(tallies[t]) as [Outcome, number][]) if (n) this.metrics.consumed.inc({ topic: u.topic, outcome }, n);
    });
    for (const d of dead) this.metrics.deadLettered.inc({ topic: d.topic, reason: reasonClass(d.rejection.reason) });
    for (const d of dead) markDeadLettered(d.rejection.item.event, reasonClass(d.rejection.reason));
  }

  /** One read, plan and commit of what is still pending; returns what must be planned again. */
  private async round(units: TopicUnit[], pending: Tracked[], tallies: Tally[], dead: DeadLetter[]): Promise<Tracked[]> {
    const byShard = new Map<number, string[]>();
    for (const p of pending) {
      let list = byShard.get(p.shard);
      if (!list) byShard.set(p.shard, (list = []));
      list.push(p.mark);
    }
    const now = this.clock();
    const perTopic = units.map((_, t) => pending.filter((p) => p.topic === t));
    // Issued in the same tick: the mark lookups and every handler's reads share one round trip.
    const [seen, ...loaded] = await Promise.all([
      seenMarks(this.redis, this.committer.keys, byShard),
      ...units.map((u, t) => (perTopic[t].length ? u.handler.prepare(perTopic[t].map((p) => p.item.event)) : Promise.resolve(undefined))),
    ]);
    const fresh = pending.filter((p) => {
      if (!seen.has(p.mark)) return true;
      tallies[p.topic].dropped++;
      return false;
    });
    const plans = units.map((u, t): Plan<unknown> => {
      const items = fresh.filter((p) => p.topic === t).map((p) => p.item);
      return items.length ? u.handler.plan(items, loaded[t], now) : { changes: [] };
    });
    const failed = new Map<InboundItem<unknown>, Rejection<unknown>>();
    const dropped = new Set<InboundItem<unknown>>();
    for (const plan of plans) {
      for (const d of plan.deadLetters ?? []) failed.set(d.item, d);
      for (const d of plan.dropped ?? []) dropped.add(d.item);
    }
    const parts = new Map<string, Part & { tracked: Tracked[] }>();
    const partOf = (shard: number, entity: string) => {
      const key = `${shard}\u0000${entity}`;
      let part = parts.get(key);
      if (!part) parts.set(key, (part = { shard, entity, marks: [], tracked: [] }));
      return part;
    };
    for (const p of fresh) {
      const rejection = failed.get(p.item);
      if (rejection) {
        // Not marked: once the cause is fixed, replaying it from cx.dlq applies it.
        tallies[p.topic].dead_lettered++;
        dead.push({ topic: units[p.topic].topic, rejection });
        continue;
      }
      const part = partOf(p.shard, p.entity);
      part.marks!.push(p.mark);
      part.tracked.push(p);
    }
    const ahead: Change[] = [];
    for (const plan of plans) for (const c of plan.changes) (c.ahead ? ahead.push(c) : merge(partOf(c.shard, c.entity), c));
    // Idempotent effects elsewhere first (Committer.apply): if the unit's own changes then fail, a retry applies them again.
    const list = [...parts.values()];
    const statuses = (await this.committer.apply([...ahead, ...list])).slice(ahead.length);
    const again: Tracked[] = [];
    list.forEach((part, i) => {
      if (statuses[i] !== 'applied') return void again.push(...part.tracked);
      for (const p of part.tracked) tallies[p.topic][dropped.has(p.item) ? 'dropped' : 'ok']++;
    });
    return again;
  }
}

/** Folds a change into the part of its entity (several changes of one entity apply together). */
function merge(part: Part, c: Change): void {
  if (c.guards?.length) (part.guards ??= []).push(...c.guards);
  if (c.commands?.length) (part.commands ??= []).push(...c.commands);
  if (c.events?.length) (part.events ??= []).push(...c.events);
  if (c.fanout?.length) (part.fanout ??= []).push(...c.fanout);
  if (c.counts?.length) (part.counts ??= []).push(...c.counts);
}
