/*
 * Fires due SLA thresholds. Each shard runs its own loop: claim the conversations due by the
 * cutoff (the wall clock, held back to the input watermark: sla-watermarks.ts) under a lease, read
 * their states (one MGET: one slot), fire with the pure engine (the state is the truth; a timer is
 * only a hint to look), and commit per conversation through the Committer: the new state guarded
 * by the one read, its next due instant, and the firings in the outbox, then published. A
 * conversation the consumer changed meanwhile is not overwritten: it is looked at again shortly.
 * A crash anywhere loses nothing: a lease runs out and the next claimer fires from the state; the
 * outbox drainer publishes what was committed but not confirmed.
 */
import { Logger } from '@nestjs/common';
import { claimDue, readMany, type RedisClient } from '@cx/redis';
import { digestOf, LoopRunner, type Committer, type Part } from '@cx/runtime';
import { decodeState, encodeState, nextDueOf, type PolicySet } from '@cx/sla';
import { parseConvKey, type SlaKeys } from './sla-keys';
import { firingCounts, type SlaMetrics, type TimerOutcome } from './sla-metrics';
import { fireDue, type EscalateOn } from './sla-outputs';
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
  private readonly loops: LoopRunner[];

  constructor(
    private readonly redis: RedisClient,
    private readonly keys: SlaKeys,
    private readonly committer: Committer,
    private readonly policies: { current(): PolicySet },
    private readonly watermark: WatermarkReader,
    private readonly metrics: SlaMetrics,
    private readonly options: SchedulerOptions,
    private readonly clock: () => number = Date.now,
  ) {
    this.loops = Array.from({ length: keys.shards }, (_, shard) =>
      new LoopRunner(`sla shard ${shard}`, options.tickMs, async () => (await this.runShard(shard)) >= options.claimBatch, this.log));
  }

  start(): void {
    for (const l of this.loops) l.start();
  }

  /** Stops after the rounds in flight, so their leases are released rather than left to expire. */
  async stop(): Promise<void> {
    await Promise.all(this.loops.map((l) => l.stop()));
  }

  /** One round over every shard (tests and benchmarks). */
  async tick(): Promise<number> {
    const counts = await Promise.all(this.keys.space.allShards().map((s) => this.runShard(s)));
    return counts.reduce((a, b) => a + b, 0);
  }

  /** One round of one shard: claim, fire, commit, publish. Returns the number claimed. */
  async runShard(shard: number): Promise<number> {
    const { leaseMs, graceMs, claimBatch, escalateOn } = this.options;
    const now = this.clock();
    const watermark = await this.watermark.current();
    this.metrics.watermarkDelay.set(Math.max(0, now - watermark) / 1000);
    const cutoff = Math.min(now, watermark) - graceMs;
    const due = this.keys.due(shard);
    const claimed = await claimDue(this.redis, due, cutoff, now + leaseMs, claimBatch);
    if (claimed.length === 0) return 0;
    const routes = claimed.map((c) => this.keys.conversation(c.member));
    const states = await readMany(this.redis, routes.map((r) => r.key));
    const policies = this.policies.current();
    const outcomeOf: TimerOutcome[] = [];
    const parts: Part[] = claimed.map(({ member: ck }, i) => {
      const route = routes[i];
      const raw = states.get(route.key) ?? null;
      if (!raw) {
        outcomeOf[i] = 'stale'; // the state expired: nothing left to fire
        return { ...route, guards: [{ key: route.key, digest: '' }], commands: [{ name: 'ZREM', keys: [due], args: [ck] }] };
      }
      const { conversationId } = parseConvKey(ck);
      const r = fireDue(conversationId, decodeState(raw), cutoff, policies, escalateOn);
      const next = nextDueOf(conversationId, r.state, policies);
      outcomeOf[i] = r.events.length ? 'fired' : 'rescheduled';
      return {
        ...route,
        guards: [{ key: route.key, digest: digestOf(raw) }],
        commands: [
          ...(r.events.length ? [{ name: 'SET', keys: [route.key], args: [encodeState(r.state), 'KEEPTTL'] }] : []),
          next === null ? { name: 'ZREM', keys: [due], args: [ck] } : { name: 'ZADD', keys: [due], args: [next, ck] },
        ],
        events: r.events,
        counts: firingCounts(r.events, 'timer', (at) => this.watermark.possibleAt(at)),
      };
    });
    const statuses = await this.committer.apply(parts);
    const outcomes = new Map<TimerOutcome, number>();
    statuses.forEach((s, i) => {
      const outcome = s === 'applied' ? outcomeOf[i] : 'conflict';
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
      // The consumer changed it meanwhile: look again shortly, on its result.
      if (s !== 'applied') this.redis.zadd(due, now + (this.options.retryMs ?? 25), claimed[i].member).catch(() => undefined);
    });
    for (const [outcome, n] of outcomes) this.metrics.timers.inc({ outcome }, n);
    return claimed.length;
  }
}
