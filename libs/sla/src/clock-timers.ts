/** Clock arithmetic and timers: due instants of thresholds in open time, and the timer set of a state. */
import { createHash } from 'node:crypto';
import { type SlaMetric } from '@cx/contracts';
import { ALWAYS_OPEN, type SlaCalendar } from './calendar';
import { matchPolicy, type CompiledPolicy, type ConversationAttributes, type PolicySet, type TargetMetric } from './policy';
import { ClockState, ID_LEN, SlaState, TimerKey, TimerSpec } from './sla-state';

// ---------------------------------------------------------------------------------------------
// Helpers

export function metricOfClock(key: string): SlaMetric {
  if (key === 'fr') return 'firstResponse';
  if (key === 'res') return 'resolution';
  if (key.startsWith('nr.')) return 'nextResponse';
  if (key.startsWith('qw.')) return 'queueWait';
  return 'promise';
}

/** The clock instance key used in cause ids: promiseId, sequence number, or "" for singletons. */
export function instanceOf(key: string): string {
  const dot = key.indexOf('.');
  return dot < 0 ? '' : key.slice(dot + 1);
}

/** Sorted-set member for a timer: JSON, safe for any conversation id. */
export function timerMember(t: TimerKey): string {
  return JSON.stringify([t.conversationId, t.clock]);
}
export function parseTimerMember(member: string): TimerKey {
  const [conversationId, clock] = JSON.parse(member) as [string, string];
  return { conversationId, clock };
}


/** 36 bits of a hash of (source, id) as 6 base64url characters. */
export function idHash(source: string, id: string): string {
  return createHash('sha1').update(source).update('\u001f').update(id).digest('base64url').slice(0, ID_LEN);
}

/**
 * Deep copy with exactly the result of `JSON.parse(JSON.stringify(v))` for the plain data a state
 * holds (undefined members dropped, non-finite numbers as null), without building the text: the
 * scheduler and the consumer copy a state on every step, and the JSON round trip was a tenth of
 * the scheduler's CPU time.
 */
export function jsonCopy(v: unknown): unknown {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) {
    const out = new Array<unknown>(v.length);
    for (let i = 0; i < v.length; i++) {
      const x = v[i];
      out[i] = x === undefined || typeof x === 'function' || typeof x === 'symbol' ? null : jsonCopy(x);
    }
    return out;
  }
  if (typeof (v as { toJSON?: unknown }).toJSON === 'function') return JSON.parse(JSON.stringify(v));
  const out: Record<string, unknown> = {};
  for (const k in v) {
    if (!Object.prototype.hasOwnProperty.call(v, k)) continue;
    const x = (v as Record<string, unknown>)[k];
    if (x === undefined || typeof x === 'function' || typeof x === 'symbol') continue;
    out[k] = jsonCopy(x);
  }
  return out;
}

export function clone(s: SlaState): SlaState {
  return jsonCopy(s) as SlaState;
}

export function attrsOf(s: SlaState): ConversationAttributes {
  const a = s.a ?? {};
  return { channel: a.c, tier: a.t, priority: a.p, queue: a.q, tags: a.g };
}

export function policyOf(s: SlaState, set: PolicySet): CompiledPolicy | undefined {
  if (s.pi !== undefined) {
    const p = set.byId.get(s.pi);
    if (p) return p;
  }
  return matchPolicy(set, attrsOf(s));
}

/** Counted ms at which threshold `th` of `target` is crossed (first whole ms at or past it). */
export function thresholdMs(th: number, target: number): number {
  const v = th * target;
  const r = Math.round(v);
  return Math.abs(v - r) < 1e-6 ? r : Math.ceil(v);
}

export interface ClockRules {
  metric: SlaMetric;
  target: number | undefined;
  calendar: SlaCalendar;
}

export function rulesOf(key: string, c: ClockState, policy: CompiledPolicy | undefined): ClockRules {
  const metric = metricOfClock(key);
  if (metric === 'promise') return { metric, target: Math.max(0, (c.pd ?? c.s) - c.s), calendar: ALWAYS_OPEN };
  return { metric, target: policy?.targets[metric as TargetMetric], calendar: policy?.calendar ?? ALWAYS_OPEN };
}

/** Running segments of a clock up to now (the last one open-ended when running). */
export function segments(c: ClockState): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let from = c.s;
  for (const [a, b] of c.pp ?? []) {
    out.push([from, a]);
    from = b;
  }
  out.push([from, c.r !== undefined ? Infinity : (c.ps ?? from)]);
  return out;
}

/**
 * The instant at which the clock has counted `ms`, assuming it keeps running from now on.
 * `undefined` when the clock is not running and has not reached it.
 */
export function crossingInstant(c: ClockState, ms: number, cal: SlaCalendar): number | undefined {
  if (!c.pt) {
    let rem = ms;
    for (const [a, b] of segments(c)) {
      if (b === Infinity) return cal.addCounted(a, rem);
      const got = cal.countBetween(a, b);
      if (got >= rem) return cal.addCounted(a, rem);
      rem -= got;
    }
    return undefined;
  }
  // Truncated history: exact from the current segment on, the start of it for the past.
  if (c.r === undefined) return undefined;
  const rem = ms - (c.u ?? 0);
  return rem <= 0 ? c.r : cal.addCounted(c.r, rem);
}

/**
 * Thresholds of a clock in firing order: the policy's warnAt fractions, then 1 (the breach). A
 * promise made at or after its own due instant has no span to warn in: it only breaches.
 */
export function thresholdsFor(key: string, c: ClockState, policy: CompiledPolicy | undefined): number[] {
  if (key.startsWith('p.') && (c.pd ?? 0) <= c.s) return [1];
  return [...(policy?.warnAt ?? []), 1];
}

/** Sets `d` to the due instant of the next threshold after `f`, or clears it. */
export function plan(key: string, c: ClockState, policy: CompiledPolicy | undefined): void {
  delete c.d;
  const rules = rulesOf(key, c, policy);
  if (rules.target === undefined || c.r === undefined) return;
  const next = thresholdsFor(key, c, policy).find((th) => th > (c.f ?? 0));
  if (next === undefined) return;
  c.d = crossingInstant(c, thresholdMs(next, rules.target), rules.calendar);
}

export function timerOf(conversationId: string, key: string, c: ClockState, policy: CompiledPolicy | undefined): TimerSpec | undefined {
  if (c.d === undefined) return undefined;
  const next = thresholdsFor(key, c, policy).find((th) => th > (c.f ?? 0)) ?? 1;
  return { conversationId, clock: key, metric: metricOfClock(key), threshold: next, dueAt: c.d };
}

/** All pending timers of a conversation: rebuilds a timer store from the states. */
export function timersOf(conversationId: string, state: SlaState, policies: PolicySet): TimerSpec[] {
  const policy = policyOf(state, policies);
  const out: TimerSpec[] = [];
  for (const [key, c] of Object.entries(state.k)) {
    const t = timerOf(conversationId, key, c, policy);
    if (t) out.push(t);
  }
  return out;
}

/** The earliest pending threshold of a conversation (a scheduler needs one entry per conversation), or null. */
export function nextDueOf(conversationId: string, state: SlaState | undefined, policies: PolicySet): number | null {
  if (!state) return null;
  let min: number | null = null;
  for (const t of timersOf(conversationId, state, policies)) if (min === null || t.dueAt < min) min = t.dueAt;
  return min;
}

/** Open (running or paused, with a target) clocks by metric, for the open-clocks gauge. */
export function openClocks(state: SlaState, policies: PolicySet): Partial<Record<SlaMetric, number>> {
  const policy = policyOf(state, policies);
  const out: Partial<Record<SlaMetric, number>> = {};
  for (const [key, c] of Object.entries(state.k)) {
    const rules = rulesOf(key, c, policy);
    if (rules.target === undefined) continue;
    if (c.r === undefined && rules.metric === 'resolution' && state.st === 'r') continue;
    out[rules.metric] = (out[rules.metric] ?? 0) + 1;
  }
  return out;
}

