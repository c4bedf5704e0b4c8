/** Clock arithmetic and timers: due instants of thresholds in open time, and the timer set of a state. */
import { textHash, type SlaMetric } from '@cx/contracts';
import { ALWAYS_OPEN, type SlaCalendar } from './calendar';
import { instantOf, type CalendarResolver } from './clock-count';
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
  return textHash('sha1', `${source}\u001f${id}`, 'base64url').slice(0, ID_LEN);
}

function cloneClock(c: ClockState): ClockState {
  const out: ClockState = { ...c };
  if (c.pp) out.pp = c.pp.map((p) => [p[0], p[1]]);
  if (c.kc) out.kc = c.kc.map((p) => [p[0], p[1]]);
  if (c.f) out.f = [...c.f];
  return out;
}

/**
 * Deep copy of a state (the engine is pure: it never modifies its input). Field by field rather
 * than a generic or JSON copy: the scheduler and the consumer copy a state on every step, and
 * the generic copy was a tenth of the simulator's CPU time.
 */
export function clone(s: SlaState): SlaState {
  const out: SlaState = { ...s, k: {} };
  if (s.a) {
    out.a = { ...s.a };
    if (s.a.g) out.a.g = [...s.a.g];
  }
  for (const key in s.k) out.k[key] = cloneClock(s.k[key]);
  if (s.kp) out.kp = { ...s.kp };
  return out;
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

/**
 * Thresholds of a clock in firing order: the policy's warnAt fractions, then 1 (the breach). A
 * promise made at or after its own due instant has no span to warn in: it only breaches.
 */
export function thresholdsFor(key: string, c: ClockState, policy: CompiledPolicy | undefined): number[] {
  if (key.startsWith('p.') && (c.pd ?? 0) <= c.s) return [1];
  return [...(policy?.warnAt ?? []), 1];
}

/** A fraction already fired for this clock never fires again, whatever the policy lists now. */
export function isFired(c: ClockState, th: number): boolean {
  return (c.fl !== undefined && th <= c.fl) || (c.f?.includes(th) ?? false);
}

export function markFired(c: ClockState, th: number): void {
  if (isFired(c, th)) return;
  const f = (c.f ??= []);
  let i = f.length;
  while (i > 0 && f[i - 1] > th) i--;
  f.splice(i, 0, th);
}

/** The smallest threshold of the policy in force that has not fired for this clock. */
export function nextThreshold(key: string, c: ClockState, policy: CompiledPolicy | undefined): number | undefined {
  return thresholdsFor(key, c, policy).find((th) => !isFired(c, th));
}

/**
 * Sets `d`/`th` to the instant and fraction of the next threshold, or clears them. The instant
 * may be in the past (a new target below the time already used): the caller fires it at once.
 */
export function plan(key: string, c: ClockState, policy: CompiledPolicy | undefined, resolve: CalendarResolver): void {
  delete c.d;
  delete c.th;
  const rules = rulesOf(key, c, policy);
  if (rules.target === undefined) return;
  const next = nextThreshold(key, c, policy);
  if (next === undefined) return;
  const at = instantOf(c, thresholdMs(next, rules.target), rules.calendar, resolve);
  if (at === undefined) return;
  c.d = at;
  c.th = next;
}

/** The pending threshold of a clock (states from before `th` existed: the policy's next one). */
export function pendingThreshold(key: string, c: ClockState, policy: CompiledPolicy | undefined): number {
  return c.th ?? nextThreshold(key, c, policy) ?? 1;
}

export function timerOf(conversationId: string, key: string, c: ClockState, policy: CompiledPolicy | undefined): TimerSpec | undefined {
  if (c.d === undefined) return undefined;
  return { conversationId, clock: key, metric: metricOfClock(key), threshold: pendingThreshold(key, c, policy), dueAt: c.d };
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
  for (const c of Object.values(state.k)) if (c.d !== undefined && (min === null || c.d < min)) min = c.d;
  return min;
}

/** A clock that counts towards attainment now: it has a target and has neither breached nor been reported met. */
export function isLiveTargeted(key: string, c: ClockState, policy: CompiledPolicy | undefined): boolean {
  return rulesOf(key, c, policy).target !== undefined && !isFired(c, 1) && !c.m;
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
