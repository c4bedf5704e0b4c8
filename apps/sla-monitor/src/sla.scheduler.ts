/*
 * Fires due SLA thresholds. One loop runs rounds over every shard at once: one claim of every
 * shard's due queue (a single script call on a single node, one per shard in the same tick on a
 * Cluster; 32 loops of their own cost 640 round trips a second when idle) of the conversations
 * due by the cutoff (the wall clock, held back to the input watermark: sla-watermarks.ts), under
 * a lease. Per shard that claimed some: read their states (one MGET: one slot), fire with the pure
 * engine (the state is the truth; a timer is only a hint to look), and commit per conversation
 * through the Committer: the new state guarded by the one read, its next due instant, and the
 * firings in the outbox, then published. A conversation the consumer changed meanwhile is not
 * overwritten: it is looked at again shortly. A crash anywhere loses nothing: a lease runs out and
 * the next claimer fires from the state; the outbox drainer publishes what was committed but not
 * confirmed.
 */
import { Logger } from '@nestjs/common';
import { claimDueAll, readMany, type RedisClient } from '@cx/redis';
import { digestOf, LoopRunner, type Committer, type Part } from '@cx/runtime';
import { decodeState, encodeState, nextDueOf } from '@cx/sla';
import { traceOutputs } from '@cx/tracing';
import { parseConvKey, type SlaKeys } from './sla-keys';
import { completionCounts, firingCounts, type SlaMetrics, type TimerOutcome } from './sla-metrics';
import { fireDue, firingOutputs, type EscalateOn } from './sla-outputs';
import { joinStored, loadState, splitStored, type PolicyVersions } from './sla-policy-versions';
import type { WatermarkReader } from './sla-watermarks';

export interface SchedulerOptions {
  tickMs: number;
  claimBatch: number;
  leaseMs: number;
  graceMs: number;
  escalateOn: EscalateOn;
  /** A conversation whose commit lost to the consumer is looked at again this soon. */
  retryMs?: number;
}

export class SlaScheduler {
  private readonly log = new Logger('SlaScheduler');
  private readonly loop: LoopRunner;

  constructor(
    private readonly redis: RedisClient,
    private readonly keys: SlaKeys,
    private readonly committer: Committer,
    private readonly versions: PolicyVersions,
    private readonly watermark: WatermarkReader,
    private readonly metrics: SlaMetrics,
    private readonly options: SchedulerOptions,
    private readonly clock: () => number = Date.now,
  ) {
    // A round that claimed a full batch in some shard runs again at once; the other shards' claims
    // in it are empty and ride in the same round trip.
    this.loop = new LoopRunner('sla scheduler', options.tickMs, async () => (await this.round()).some((n) => n >= options.claimBatch), this.log);
  }

  start(): void {
    this.loop.start();
  }

  /** Stops after the round in flight, so its leases are released rather than left to expire. */
  async stop(): Promise<void> {
    await this.loop.stop();
  }

  /** One round over every shard; returns the number of timers claimed. */
  async tick(): Promise<number> {
    return (await this.round()).reduce((a, b) => a + b, 0);
  }

  /**
   * Every shard's round: one claim of all the shards' due queues (one script call on a single
   * node), then the shards that claimed something, at once. The number claimed per shard.
   */
  private async round(): Promise<number[]> {
    const { leaseMs, graceMs, claimBatch } = this.options;
    const now = this.clock();
    const watermark = await this.watermark.current();
    this.metrics.watermarkDelay.set(Math.max(0, now - watermark) / 1000);
    const cutoff = Math.min(now, watermark) - graceMs;
    const shards = this.keys.space.allShards();
    const claims = await claimDueAll(this.redis, shards.map((s) => this.keys.due(s)), cutoff, now + leaseMs, claimBatch);
    await Promise.all(shards.map((s, i) => (claims[i].length ? this.runShard(s, claims[i].map((c) => c.member), now, cutoff) : undefined)));
    return claims.map((c) => c.length);
  }

  /** One shard's claimed conversations: fire, commit, publish. */
  private async runShard(shard: number, claimed: string[], now: number, cutoff: number): Promise<void> {
    const due = this.keys.due(shard);
    const { parts, outcomeOf } = await this.plan(shard, claimed, cutoff, this.options.escalateOn);
    // Firings continue the trace stored with their clock: one span per cause, on the events it fired.
    const spans = traceOutputs('sla fire', parts, { 'cx.shard': shard });
    const statuses = await this.committer.apply(parts).finally(() => spans?.end());
    const outcomes = new Map<TimerOutcome, number>();
    statuses.forEach((s, i) => {
      const outcome = s === 'applied' ? outcomeOf[i] : 'conflict';
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
      // The consumer changed it meanwhile: look again shortly, on its result.
      if (s !== 'applied') this.redis.zadd(due, now + (this.options.retryMs ?? 25), claimed[i]).catch(() => undefined);
    });
    for (const [outcome, n] of outcomes) this.metrics.timers.inc({ outcome }, n);
  }

  /**
   * The changes of a round over conversations of one shard: each state moved to the current policy
   * version if a reload happened since it was written, then fired up to the cutoff; committed
   * guarded by the value read, with its next due instant.
   */
  private async plan(shard: number, cks: string[], cutoff: number, escalateOn: EscalateOn): Promise<{ parts: Part[]; outcomeOf: TimerOutcome[] }> {
    const due = this.keys.due(shard);
    const routes = cks.map((ck) => this.keys.conversation(ck));
    const states = await readMany(this.redis, routes.map((r) => r.key));
    await this.versions.ensure([...states.values()].map((raw) => (raw ? splitStored(raw).version : undefined)));
    const { version, set: policies } = this.versions.current();
    const outcomeOf: TimerOutcome[] = [];
    const parts: Part[] = cks.map((ck, i) => {
      const route = routes[i];
      const raw = states.get(route.key) ?? null;
      if (!raw) {
        outcomeOf[i] = 'stale'; // the state expired: nothing left to fire
        return { ...route, guards: [{ key: route.key, digest: '' }], commands: [{ name: 'ZREM', keys: [due], args: [ck] }] };
      }
      const { conversationId } = parseConvKey(ck);
      const loaded = loadState(raw, conversationId, this.versions, decodeState);
      const migration = loaded.migrated ? loaded.migrated.firings.flatMap((f) => firingOutputs(f, loaded.state, escalateOn)) : [];
      const r = fireDue(conversationId, loaded.state, cutoff, policies, escalateOn);
      const events = [...migration, ...r.events];
      const next = nextDueOf(conversationId, r.state, policies);
      outcomeOf[i] = events.length ? 'fired' : 'rescheduled';
      return {
        ...route,
        guards: [{ key: route.key, digest: digestOf(raw) }],
        commands: [
          ...(events.length || loaded.migrated ? [{ name: 'SET', keys: [route.key], args: [joinStored(version, encodeState(r.state)), 'KEEPTTL'] }] : []),
          next === null ? { name: 'ZREM', keys: [due], args: [ck] } : { name: 'ZADD', keys: [due], args: [next, ck] },
          ...this.keys.attainment(route.shard, [...(loaded.migrated?.completions ?? []), ...r.completions], r.state),
        ],
        events,
        counts: [
          ...firingCounts(events, 'timer', (at) => this.watermark.possibleAt(at)),
          ...completionCounts([...(loaded.migrated?.completions ?? []), ...r.completions]),
        ],
      };
    });
    return { parts, outcomeOf };
  }

  /**
   * After a reload: every conversation with a pending timer is moved to the new policies now, so a
   * tighter target fires on time (a paused conversation has no timer: it moves on its next event).
   * Every instance may sweep; the guards make each move happen once.
   */
  async migrateAll(pageSize = 500): Promise<number> {
    let moved = 0;
    for (const shard of this.keys.space.allShards()) {
      for (let start = 0; ; start += pageSize) {
        const cks = await this.redis.zrange(this.keys.due(shard), start, start + pageSize - 1);
        if (cks.length === 0) break;
        const cutoff = Math.min(this.clock(), await this.watermark.current()) - this.options.graceMs;
        const { parts } = await this.plan(shard, cks, cutoff, this.options.escalateOn);
        const statuses = await this.committer.apply(parts);
        moved += statuses.filter((s) => s === 'applied').length;
        if (cks.length < pageSize) break;
      }
    }
    return moved;
  }
}
