import { Logger } from '@nestjs/common';
import type { OutEvent } from '@cx/kafka';
import { decodeState, encodeState, fire, timersOf, type PolicySet, type SlaState, type TimerSpec } from '@cx/sla';
import { parseConvKey, parseMember } from './sla-keys';
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
    const members = await this.store.claim(shard, now - graceMs, lease, claimBatch);
    if (members.length === 0) return 0;
    const byConv = new Map<string, { member: string; clock: string }[]>();
    for (const member of members) {
      const { ck, clock } = parseMember(member);
      const list = byConv.get(ck) ?? [];
      list.push({ member, clock });
      byConv.set(ck, list);
    }
    const { states, outbox } = await this.store.load(shard, [...byConv.keys()], members);
    const finalize = new Map<string, FinalizeItem>();
    const commits: SchedulerCommit[] = [];
    const commitMembers: string[][] = [];
    for (const [ck, timers] of byConv) {
      const raw = states.get(ck);
      const done = (member: string, nextDue?: number) =>
        finalize.set(member, { member, lease, nextDue, clearOutbox: outbox.has(member) });
      if (!raw) {
        for (const t of timers) done(t.member); // state expired or never written: nothing to fire
        this.metrics.timers.inc({ outcome: 'stale' }, timers.length);
        continue;
      }
      const { conversationId } = parseConvKey(ck);
      let state: SlaState = decodeState(raw);
      const entries: SchedulerCommit['outbox'] = [];
      for (const { member, clock } of timers) {
        let t: TimerSpec | undefined = timersOf(conversationId, state, this.policies).find((x) => x.clock === clock);
        if (!t) { done(member); this.metrics.timers.inc({ outcome: 'stale' }); continue; }
        const events: OutEvent[] = [];
        while (t && t.dueAt <= now - graceMs) {
          const r = fire(state, t, this.policies);
          if (r.stale) break;
          state = r.state;
          for (const f of r.firings) events.push(...firingOutputs(f, state, escalateOn));
          t = r.schedule.find((x) => x.clock === clock);
        }
        done(member, t?.dueAt);
        this.metrics.timers.inc({ outcome: events.length ? 'fired' : 'rescheduled' });
        // A dead claimer's unpublished events stay in the outbox entry until these are out too.
        if (events.length) entries.push({ member, events: [...(outbox.get(member) ?? []), ...events] });
      }
      if (entries.length) {
        commits.push({ ck, expected: raw, state: encodeState(state), outbox: entries });
        commitMembers.push(timers.map((t) => t.member));
      }
    }
    const ok = await this.store.commit(shard, commits);
    const publish: OutEvent[] = [];
    const published = new Set<string>();
    commits.forEach((c, i) => {
      if (ok[i]) {
        for (const e of c.outbox) { publish.push(...e.events); published.add(e.member); finalize.get(e.member)!.clearOutbox = true; }
        return;
      }
      // A consumer batch holds the conversation or changed it: look again shortly, on its result.
      this.metrics.timers.inc({ outcome: 'conflict' }, commitMembers[i].length);
      for (const m of commitMembers[i]) finalize.get(m)!.nextDue = now + (this.options.retryMs ?? 25);
    });
    for (const [member, events] of outbox) {
      if (published.has(member)) continue;
      publish.push(...events);
      this.metrics.timers.inc({ outcome: 'recovered' });
    }
    await this.publisher.publish(publish); // on failure the leases expire and the outbox is retried
    this.metrics.emitted(publish, 'timer');
    await this.store.finalize(shard, [...finalize.values()]);
    return members.length;
  }
}
