/*
 * `sla:simulate` (docs/contract.md (SLA semantics)): the real engine on a virtual clock over CloudEvents JSONL, and
 * the attainment summary of the replay.
 */
import { decodeCloudEvent, InteractionEvent, Rfc3339 } from '@cx/contracts';
import { AttainmentTally, type SummaryLine } from './attainment';
import { applyEvent, fire, type SlaCompletion, type SlaFiring, type SlaState, type TimerKey, type TimerSpec } from './engine';
import type { PolicySet } from './policy';

/** One line of `sla:simulate` output (docs/contract.md (SLA semantics)), keys in this order. */
export interface SimulatedLine {
  type: 'sla.warning' | 'sla.breached';
  conversationId: string;
  policyId: string | null;
  metric: string;
  dueAt: string;
  at: string;
}

export class SimulationInputError extends Error {
  constructor(
    readonly line: number,
    reason: string,
  ) {
    super(`line ${line}: ${reason}`);
    this.name = 'SimulationInputError';
  }
}

export interface SimulationStats {
  events: number;
  duplicates: number;
  droppedAfterClose: number;
  lateEvents: number;
  timersFired: number;
  staleTimers: number;
  ignoredChannelChanges: number;
}

/**
 * An in-memory timer queue on a virtual clock: an indexed binary heap of (dueAt, seq), one entry
 * per timer key (an upsert moves it, a removal takes it out). Ties fire in scheduling order.
 */
export class VirtualTimerQueue {
  private heap: Array<{ t: TimerSpec; seq: number; key: string; pos: number }> = [];
  private live = new Map<string, { t: TimerSpec; seq: number; key: string; pos: number }>();
  private seq = 0;

  private static key(k: TimerKey): string {
    return `${k.conversationId}\u0000${k.clock}`;
  }

  get size(): number {
    return this.live.size;
  }

  upsert(t: TimerSpec): void {
    const key = VirtualTimerQueue.key(t);
    const e = this.live.get(key);
    if (e) {
      e.t = t;
      e.seq = this.seq++;
      this.down(this.up(e.pos));
      return;
    }
    const entry = { t, seq: this.seq++, key, pos: this.heap.length };
    this.live.set(key, entry);
    this.heap.push(entry);
    this.up(entry.pos);
  }

  remove(k: TimerKey): void {
    const e = this.live.get(VirtualTimerQueue.key(k));
    if (e) this.removeAt(e.pos);
  }

  /** Removes and returns the earliest timer due at or before `until`. */
  popDue(until: number): TimerSpec | undefined {
    const top = this.heap[0];
    if (!top || top.t.dueAt > until) return undefined;
    this.removeAt(0);
    return top.t;
  }

  private removeAt(i: number): void {
    const h = this.heap;
    const e = h[i];
    this.live.delete(e.key);
    const last = h.pop()!;
    if (last === e) return;
    h[i] = last;
    last.pos = i;
    this.down(this.up(i));
  }

  private less(a: { t: TimerSpec; seq: number }, b: { t: TimerSpec; seq: number }): boolean {
    return a.t.dueAt < b.t.dueAt || (a.t.dueAt === b.t.dueAt && a.seq < b.seq);
  }
  private swap(i: number, j: number): void {
    const h = this.heap;
    [h[i], h[j]] = [h[j], h[i]];
    h[i].pos = i;
    h[j].pos = j;
  }
  private up(i: number): number {
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(this.heap[i], this.heap[p])) break;
      this.swap(i, p);
      i = p;
    }
    return i;
  }
  private down(i: number): void {
    const h = this.heap;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && this.less(h[l], h[m])) m = l;
      if (r < h.length && this.less(h[r], h[m])) m = r;
      if (m === i) return;
      this.swap(i, m);
      i = m;
    }
  }
}

/**
 * Runs the engine over events in file order on a virtual clock: before each event every timer
 * due at or before its time fires, and at the end everything due at or before `until`. Firings
 * after `until` are not reported. Returns the firings ordered by `at` (stable).
 */
export class SlaSimulator {
  readonly states = new Map<string, SlaState>();
  readonly timers = new VirtualTimerQueue();
  readonly firings: SlaFiring[] = [];
  readonly completions: SlaCompletion[] = [];
  readonly stats: SimulationStats = { events: 0, duplicates: 0, droppedAfterClose: 0, lateEvents: 0, timersFired: 0, staleTimers: 0, ignoredChannelChanges: 0 };

  constructor(private readonly policies: PolicySet) {}

  advanceTo(t: number): void {
    for (let timer = this.timers.popDue(t); timer; timer = this.timers.popDue(t)) {
      const r = fire(this.states.get(timer.conversationId), timer, this.policies);
      if (r.stale) {
        this.stats.staleTimers++;
        continue;
      }
      this.stats.timersFired++;
      this.states.set(timer.conversationId, r.state);
      this.apply(r.schedule, r.cancel);
      this.firings.push(...r.firings);
      this.completions.push(...r.completions);
    }
  }

  process(event: InteractionEvent): void {
    const t = Date.parse(event.time);
    this.advanceTo(t);
    this.stats.events++;
    const id = event.data.conversationId;
    const r = applyEvent(this.states.get(id), event, this.policies);
    if (r.outcome === 'duplicate') this.stats.duplicates++;
    if (r.outcome === 'dropped-closed') this.stats.droppedAfterClose++;
    if (r.outcome === 'ignored-channel-change') this.stats.ignoredChannelChanges++;
    if (r.lateEvent) this.stats.lateEvents++;
    this.states.set(id, r.state);
    this.apply(r.schedule, r.cancel);
    this.firings.push(...r.firings);
    this.completions.push(...r.completions);
  }

  private apply(schedule: TimerSpec[], cancel: TimerKey[]): void {
    for (const k of cancel) this.timers.remove(k);
    for (const t of schedule) this.timers.upsert(t);
  }

  /** Fires what is due up to `until` and returns the firings up to it, ordered by `at`. */
  finish(until: number): SlaFiring[] {
    this.advanceTo(until);
    return this.firings
      .map((f, i) => ({ f, i }))
      .filter(({ f }) => f.atMs <= until)
      .sort((a, b) => a.f.atMs - b.f.atMs || a.i - b.i)
      .map(({ f }) => f);
  }

  /** Attainment per policy and metric at `until` (call after `finish(until)`). */
  summary(until: number): SummaryLine[] {
    const tally = new AttainmentTally(until);
    for (const c of this.completions) tally.add(c);
    for (const [id, state] of this.states) tally.addOpen(id, state, this.policies);
    return tally.lines(this.policies);
  }
}

export function toSimulatedLine(f: SlaFiring): SimulatedLine {
  return {
    type: f.kind === 'breached' ? 'sla.breached' : 'sla.warning',
    conversationId: f.conversationId,
    policyId: f.data.policyId,
    metric: f.data.metric,
    dueAt: f.data.dueAt,
    at: f.data.at,
  };
}

/** Parses the `--until` value; throws a plain Error naming the value. */
export function parseUntil(text: string | undefined): number {
  if (text === undefined || !Rfc3339.safeParse(text).success) {
    throw new Error(`--until must be an RFC 3339 timestamp with an offset, got ${JSON.stringify(text ?? null)}`);
  }
  return Date.parse(text);
}

/**
 * The whole `sla:simulate` run on JSONL text: parses each non-blank line as a structured-mode
 * CloudEvent of the input contract (SimulationInputError names the 1-based line), runs the
 * engine, and returns the output lines (JSON strings) ordered by `at`.
 */
export function simulateJsonl(policies: PolicySet, jsonl: string, until: number, options: { summary?: boolean } = {}): { lines: string[]; stats: SimulationStats } {
  const sim = new SlaSimulator(policies);
  // Decoded and applied line by line: a bad line stops the run (nothing is printed) without
  // holding every decoded event in memory first.
  let line = 0;
  for (let start = 0; start <= jsonl.length; line++) {
    let end = jsonl.indexOf('\n', start);
    if (end < 0) end = jsonl.length;
    const text = jsonl.slice(start, end).trim();
    start = end + 1;
    if (!text) continue;
    const decoded = decodeCloudEvent({ key: null, value: text }, InteractionEvent);
    if (!decoded.ok) throw new SimulationInputError(line + 1, decoded.reason);
    sim.process(decoded.event);
  }
  const lines = sim.finish(until).map((f) => JSON.stringify(toSimulatedLine(f)));
  if (options.summary) for (const l of sim.summary(until)) lines.push(JSON.stringify(l));
  return { lines, stats: sim.stats };
}
