import { Logger } from '@nestjs/common';
import type { OutEvent } from '@cx/kafka';
import { decodeState, encodeState, fire, nextDueOf, timersOf, type PolicySet, type SlaState } from '@cx/sla';
import { parseConvKey } from './sla-keys';
import type { SlaMetrics } from './sla-metrics';
import { firingOutputs, type EscalateOn } from './sla-outputs';
import type { FinalizeItem, SchedulerCommit, SlaStore } from './sla-store';

export interface Publisher {
  publish(events: OutEvent[]): Promise<void>;
}

export interface SchedulerOptions {
  tickMs: number;
  claimBatch: number;
  leaseMs: number;
  graceMs: number;
  escalateOn: EscalateOn;
  /** A timer whose commit lost to a consumer batch is retried this soon. */
  retryMs?: number;
}

/**
 * Fires due timers. Per shard and round: claim due timers atomically under a lease (Lua), load
 * their conversations' states, fire with the pure engine (the state, not the timer, is the truth:
 * a timer is only a hint to look), commit the new states by compare-and-set together with the
 * firings in an outbox, publish, then release the leases and schedule the next thresholds.
 * A crash anywhere loses nothing: an unreleased lease expires and the next claimer publishes what
 * the outbox holds (same ids) or fires again from the state.
 */
export class SlaScheduler {
  private readonly log = new Logger('SlaScheduler');
  private running = false;
  private loopDone?: Promise<void>;
  private wake?: () => void;

  constructor(
    private readonly store: SlaStore,
    private readonly policies: PolicySet,
    private readonly publisher: Publisher,
    private readonly metrics: SlaMetrics,
    private readonly options: SchedulerOptions,
    private readonly clock: () => number = Date.now,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loopDone = this.loop();
  }

  /** Stops after the round in flight, so its leases are released rather than left to expire. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loopDone;
  }

  private async loop(): Promise<void> {
    while (this.running) {
      let busy = false;
      try {
        busy = (await this.tick()).busy;
      } catch (e) {
        this.log.error(`scheduler round failed: ${(e as Error).message}`);
      }
      if (!busy && this.running) {
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, this.options.tickMs);
          this.wake = () => { clearTimeout(t); resolve(); };
        });
      }
    }
  }

  /** One round over every shard. `busy`: some shard had a full batch, so go again at once. */
  async tick(): Promise<{ claimed: number; busy: boolean }> {
    const now = this.clock();
    const counts = await Promise.all(Array.from({ length: this.store.shards }, (_, s) => this.runShard(s, now).catch((e: Error) => {
      this.log.error(`shard ${s}: ${e.message}`);
      return 0;
    })));
    return { claimed: counts.reduce((a, b) => a + b, 0), busy: counts.some((c) => c >= this.options.claimBatch) };
  }

  async runShard(shard: number, now: number): Promise<number> {
    const { leaseMs, graceMs, claimBatch, escalateOn } = this.options;
    const lease = now + leaseMs;
    const cutoff = now - graceMs;
    const cks = await this.store.claim(shard, cutoff, lease, claimBatch);
    if (cks.length === 0) return 0;
    const { states, outbox } = await this.store.load(shard, cks, cks);
    const finalize = new Map<string, FinalizeItem>();
    const commits: SchedulerCommit[] = [];
    for (const ck of cks) {
      const item: FinalizeItem = { member: ck, lease, clearOutbox: outbox.has(ck) };
      finalize.set(ck, item);
      const raw = states.get(ck);
      if (!raw) { this.metrics.timers.inc({ outcome: 'stale' }); continue; } // state expired: nothing to fire
      const { conversationId } = parseConvKey(ck);
      let state: SlaState = decodeState(raw);
      const events: OutEvent[] = [];
      // Every threshold due by now, in due order, across the conversation's clocks.
      for (let guard = 0; guard < 256; guard++) {
        const due = timersOf(conversationId, state, this.policies).filter((t) => t.dueAt <= cutoff).sort((a, b) => a.dueAt - b.dueAt)[0];
        if (!due) break;
        const r = fire(state, due, this.policies);
        if (r.stale) break;
        state = r.state;
        for (const f of r.firings) events.push(...firingOutputs(f, state, escalateOn));
      }
      item.nextDue = nextDueOf(conversationId, state, this.policies) ?? undefined;
      this.metrics.timers.inc({ outcome: events.length ? 'fired' : 'rescheduled' });
      // A dead claimer's unpublished events stay in the outbox entry until these are out too.
      if (events.length) commits.push({ ck, expected: raw, state: encodeState(state), outbox: [...(outbox.get(ck) ?? []), ...events] });
    }
    const ok = await this.store.commit(shard, commits);
    const publish: OutEvent[] = [];
    const published = new Set<string>();
    commits.forEach((c, i) => {
      const item = finalize.get(c.ck)!;
      if (ok[i]) {
        publish.push(...c.outbox);
        published.add(c.ck);
        item.clearOutbox = true;
        return;
      }
      // A consumer batch holds the conversation or changed it: look again shortly, on its result.
      this.metrics.timers.inc({ outcome: 'conflict' });
      item.nextDue = now + (this.options.retryMs ?? 25);
    });
    for (const [ck, events] of outbox) {
      if (published.has(ck)) continue;
      publish.push(...events);
      this.metrics.timers.inc({ outcome: 'recovered' });
    }
    await this.publisher.publish(publish); // on failure the leases expire and the outbox is retried
    this.metrics.emitted(publish, 'timer');
    await this.store.finalize(shard, [...finalize.values()]);
    return cks.length;
  }
}
