import { Logger } from '@nestjs/common';
import type { OutEvent } from '@cx/kafka';
import { decodeState, encodeState, fire, nextDueOf, timersOf, type PolicySet, type SlaState } from '@cx/sla';
import { parseConvKey } from './sla-keys';
import type { SlaMetrics, TimerOutcome } from './sla-metrics';
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
  /**
   * Most events per publish call (a conversation's events are never split): bounds a Kafka request
   * (and each partition's record batch, under the broker's message.max.bytes).
   */
  publishChunk?: number;
  /** Publishes in flight at once; what the shards hand in meanwhile waits and goes out together. */
  publishConcurrency?: number;
}

/** Every threshold due by `cutoff`, in due order across the conversation's clocks, and its events. */
export function fireDue(conversationId: string, state: SlaState, cutoff: number, policies: PolicySet, escalateOn: EscalateOn): { state: SlaState; events: OutEvent[] } {
  const events: OutEvent[] = [];
  for (let guard = 0; guard < 256; guard++) {
    // The earliest due timer (the first of equal instants, in the state's clock order).
    let due: ReturnType<typeof timersOf>[number] | undefined;
    for (const t of timersOf(conversationId, state, policies)) if (t.dueAt <= cutoff && (!due || t.dueAt < due.dueAt)) due = t;
    if (!due) break;
    const r = fire(state, due, policies);
    if (r.stale) break;
    state = r.state;
    for (const f of r.firings) events.push(...firingOutputs(f, state, escalateOn));
  }
  return { state, events };
}

/*
 * Outbox entries are compact: instead of the events (about 1.3 kB of JSON for a breach and its
 * escalation request), the state the firing started from and the cutoff it fired up to (about
 * 170 bytes). The engine is pure and the ids are cause ids, so firing that state again up to that
 * cutoff rebuilds exactly the committed events, same ids, same content (with the same policy file
 * and SLA_ESCALATE_ON). An entry holds one record per unpublished commit, oldest first, one a line:
 * `<cutoff> <encodeState of the state before>` (an encoded state is JSON: no raw newline).
 */
export function outboxRecord(cutoff: number, stateBefore: string): string {
  return `${cutoff} ${stateBefore}`;
}

/** The events an outbox entry stands for, in commit order. */
export function outboxEvents(ck: string, entry: string, policies: PolicySet, escalateOn: EscalateOn): OutEvent[] {
  const { conversationId } = parseConvKey(ck);
  const out: OutEvent[] = [];
  for (const line of entry.split('\n')) {
    const sp = line.indexOf(' ');
    if (sp <= 0) throw new Error(`malformed SLA outbox record for ${ck}`);
    out.push(...fireDue(conversationId, decodeState(line.slice(sp + 1)), Number(line.slice(0, sp)), policies, escalateOn).events);
  }
  return out;
}

/** A shard's round up to the commit: what to publish, and what to finalize once it is out. */
interface Prepared {
  claimed: number;
  /** Events by conversation (a conversation's events go out in one request, in order). */
  groups: OutEvent[][];
  finalize: FinalizeItem[];
}

/**
 * Group commit for the shards' publishes: at most `concurrency` publishes run at a time, and the
 * groups handed in while they run go out together in the next one. Under load a round of every
 * shard costs a few Kafka requests instead of one per shard, and no shard waits for another's
 * Redis round trips. A conversation's events stay in one request (a conversation is in one
 * shard round at a time: it is leased until that round's finalize), so they keep their order.
 */
class PublishQueue {
  private waiting: { groups: OutEvent[][]; resolve: () => void; reject: (e: unknown) => void }[] = [];
  private inFlight = 0;

  constructor(
    private readonly flush: (groups: OutEvent[][]) => Promise<void>,
    private readonly concurrency: number,
  ) {}

  publish(groups: OutEvent[][]): Promise<void> {
    if (groups.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ groups, resolve, reject });
      this.drain();
    });
  }

  private drain(): void {
    while (this.waiting.length && this.inFlight < this.concurrency) {
      const batch = this.waiting.splice(0);
      this.inFlight++;
      this.flush(batch.flatMap((b) => b.groups)).then(
        () => { for (const b of batch) b.resolve(); },
        (e: unknown) => { for (const b of batch) b.reject(e); },
      ).finally(() => {
        this.inFlight--;
        this.drain();
      });
    }
  }
}

/**
 * Fires due timers. Per shard and round: claim due timers atomically under a lease (Lua), load
 * their conversations' states, fire with the pure engine (the state, not the timer, is the truth:
 * a timer is only a hint to look), commit the new states by compare-and-set together with the
 * firings in an outbox, publish, then release the leases and schedule the next thresholds.
 * Each shard runs its own loop (a round every `tickMs`, at once again after a full batch), so
 * Redis, Kafka and the engine work for different shards at the same time; their publishes are
 * batched (PublishQueue).
 * A crash anywhere loses nothing: an unreleased lease expires and the next claimer publishes what
 * the outbox holds (same ids) or fires again from the state.
 */
export class SlaScheduler {
  private readonly log = new Logger('SlaScheduler');
  private running = false;
  private loopDone?: Promise<void>;
  private readonly wakes = new Set<() => void>();
  private readonly queue: PublishQueue;

  constructor(
    private readonly store: SlaStore,
    private readonly policies: PolicySet,
    private readonly publisher: Publisher,
    private readonly metrics: SlaMetrics,
    private readonly options: SchedulerOptions,
    private readonly clock: () => number = Date.now,
  ) {
    this.queue = new PublishQueue((groups) => this.publishChunks(groups), options.publishConcurrency ?? 2);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loopDone = Promise.all(Array.from({ length: this.store.shards }, (_, s) => this.loop(s))).then(() => undefined);
  }

  /** Stops after the rounds in flight, so their leases are released rather than left to expire. */
  async stop(): Promise<void> {
    this.running = false;
    for (const wake of this.wakes) wake();
    await this.loopDone;
  }

  private async loop(shard: number): Promise<void> {
    while (this.running) {
      const started = this.clock();
      let busy = false;
      try {
        busy = (await this.runShard(shard, started)) >= this.options.claimBatch;
      } catch (e) {
        this.log.error(`shard ${shard}: ${(e as Error).message}`); // leases expire; the outbox is retried
      }
      const wait = this.options.tickMs - (this.clock() - started);
      if (!busy && wait > 0 && this.running) {
        await new Promise<void>((resolve) => {
          const wake = () => { clearTimeout(t); this.wakes.delete(wake); resolve(); };
          const t = setTimeout(wake, wait);
          this.wakes.add(wake);
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

  /** One round of one shard: claim, fire, commit, publish, finalize. Returns the number claimed. */
  async runShard(shard: number, now: number): Promise<number> {
    const p = await this.prepare(shard, now);
    if (!p) return 0;
    await this.queue.publish(p.groups); // on failure the leases expire and the outbox is retried
    await this.store.finalize(shard, p.finalize);
    return p.claimed;
  }

  /** Publishes events in chunks of whole conversations, in parallel. */
  private async publishChunks(groups: OutEvent[][]): Promise<void> {
    const max = this.options.publishChunk ?? 1000;
    const chunks: OutEvent[][] = [];
    let chunk: OutEvent[] = [];
    for (const g of groups) {
      if (chunk.length && chunk.length + g.length > max) { chunks.push(chunk); chunk = []; }
      for (const e of g) chunk.push(e);
    }
    if (chunk.length) chunks.push(chunk);
    await Promise.all(chunks.map((c) => this.publisher.publish(c)));
    const now = Date.now();
    for (const c of chunks) this.metrics.emitted(c, 'timer', now);
  }

  /** Claim, load, fire and commit one shard; undefined when nothing was due. */
  private async prepare(shard: number, now: number): Promise<Prepared | undefined> {
    const { leaseMs, graceMs, claimBatch, escalateOn } = this.options;
    const lease = now + leaseMs;
    const cutoff = now - graceMs;
    const cks = await this.store.claim(shard, cutoff, lease, claimBatch);
    if (cks.length === 0) return undefined;
    const { states, outbox } = await this.store.load(shard, cks, cks);
    const outcomes: Record<TimerOutcome, number> = { fired: 0, rescheduled: 0, stale: 0, conflict: 0, recovered: 0 };
    const finalize = new Map<string, FinalizeItem>();
    const commits: SchedulerCommit[] = [];
    const fired = new Map<string, OutEvent[]>();
    for (const ck of cks) {
      const item: FinalizeItem = { member: ck, lease, clearOutbox: outbox.has(ck) };
      finalize.set(ck, item);
      const raw = states.get(ck);
      if (!raw) { outcomes.stale++; continue; } // state expired: nothing to fire
      const { conversationId } = parseConvKey(ck);
      const r = fireDue(conversationId, decodeState(raw), cutoff, this.policies, escalateOn);
      item.nextDue = nextDueOf(conversationId, r.state, this.policies) ?? undefined;
      outcomes[r.events.length ? 'fired' : 'rescheduled']++;
      if (!r.events.length) continue;
      // A dead claimer's unpublished records stay in the outbox entry until these are out too.
      const prior = outbox.get(ck);
      const record = outboxRecord(cutoff, raw);
      commits.push({ ck, expected: raw, state: encodeState(r.state), outbox: prior ? `${prior}\n${record}` : record });
      fired.set(ck, r.events);
    }
    const ok = await this.store.commit(shard, commits);
    const groups: OutEvent[][] = [];
    const published = new Set<string>();
    commits.forEach((c, i) => {
      const item = finalize.get(c.ck)!;
      if (ok[i]) {
        const prior = outbox.get(c.ck);
        groups.push(prior ? [...outboxEvents(c.ck, prior, this.policies, escalateOn), ...fired.get(c.ck)!] : fired.get(c.ck)!);
        published.add(c.ck);
        item.clearOutbox = true;
        return;
      }
      // A consumer batch holds the conversation or changed it: look again shortly, on its result.
      outcomes.conflict++;
      item.nextDue = now + (this.options.retryMs ?? 25);
    });
    for (const [ck, entry] of outbox) {
      if (published.has(ck)) continue;
      groups.push(outboxEvents(ck, entry, this.policies, escalateOn));
      outcomes.recovered++;
    }
    for (const [outcome, n] of Object.entries(outcomes)) if (n) this.metrics.timers.inc({ outcome }, n);
    return { claimed: cks.length, groups, finalize: [...finalize.values()] };
  }
}
