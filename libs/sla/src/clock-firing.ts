/** Firing context: thresholds crossed, firings built with deterministic cause ids, timer diffs. */
import { deterministicId, type Channel } from '@cx/contracts';
import { matchPolicy, type CompiledPolicy, type PolicySet } from './policy';
import { attrsOf, crossingInstant, instanceOf, plan, policyOf, rulesOf, thresholdsFor, timerOf } from './clock-timers';
import { ClockState, MAX_PERIODS, NO_POLICY, SlaFiring, SlaState, TimerKey, TimerSpec, iso } from './sla-state';

// ---------------------------------------------------------------------------------------------
// Firing

export class Ctx {
  readonly firings: SlaFiring[] = [];
  policy: CompiledPolicy | undefined;
  constructor(
    readonly conversationId: string,
    readonly state: SlaState,
    readonly policies: PolicySet,
  ) {
    this.policy = policyOf(state, policies);
  }

  /** Fires every pending threshold of clock `key` due at or before `t`. */
  fireDue(key: string, t: number): void {
    const c = this.state.k[key];
    for (let guard = 0; c && c.d !== undefined && c.d <= t && guard < 64; guard++) this.fireNext(key, c);
  }

  fireAllDue(t: number): void {
    for (const key of Object.keys(this.state.k)) this.fireDue(key, t);
  }

  private fireNext(key: string, c: ClockState): void {
    const policy = this.policy;
    const rules = rulesOf(key, c, policy);
    const th = thresholdsFor(key, c, policy).find((x) => x > (c.f ?? 0));
    if (th === undefined || rules.target === undefined || c.d === undefined) return;
    const at = c.d;
    const isPromise = rules.metric === 'promise';
    const dueAt = th === 1 ? at : crossingInstant(c, rules.target, rules.calendar) ?? at;
    const pausedPeriods = (c.pp ?? []).filter(([a]) => a < at).map(([a, b]) => ({ from: iso(a), to: iso(Math.min(b, at)) }));
    const outOfHours = rules.calendar.closedPeriods(c.s, at, 50).map(([a, b]) => ({ from: iso(a), to: iso(b) }));
    const promiseId = isPromise ? key.slice(2) : undefined;
    const tenantid = this.state.tn ?? 'default';
    const channel = this.state.a?.c as Channel | undefined;
    this.firings.push({
      kind: th === 1 ? 'breached' : 'warning',
      id: deterministicId('sla', tenantid, this.conversationId, rules.metric, instanceOf(key), String(th), String(c.s)),
      tenantid,
      conversationId: this.conversationId,
      atMs: at,
      dueAtMs: dueAt,
      data: {
        conversationId: this.conversationId,
        ...(channel ? { channel } : {}),
        policyId: policy?.id ?? NO_POLICY,
        metric: rules.metric,
        dueAt: iso(dueAt),
        at: iso(at),
        threshold: th,
        targetMs: rules.target,
        startedAt: iso(c.s),
        ...(promiseId !== undefined ? { promiseId } : {}),
        pausedPeriods,
        outOfHoursPeriods: outOfHours,
      },
    });
    c.f = th;
    plan(key, c, policy);
  }

  // --- clock operations, each at the event's own time t -------------------------------------

  start(key: string, t: number, extra: Partial<ClockState> = {}): void {
    const c: ClockState = { s: t, r: t, ...extra };
    this.state.k[key] = c;
    plan(key, c, this.policy);
  }

  /** Stops and removes a clock at t: thresholds due at or before t fire first. */
  stop(key: string, t: number): void {
    const c = this.state.k[key];
    if (!c || t < c.s) return;
    this.fireDue(key, t);
    delete this.state.k[key];
  }

  /** Stops counting at t (pause, or resolution stopped by `resolved`) keeping the time used. */
  halt(key: string, t: number): void {
    const c = this.state.k[key];
    if (!c || c.r === undefined) return;
    const at = Math.max(t, c.r);
    this.fireDue(key, at);
    const cal = rulesOf(key, c, this.policy).calendar;
    c.u = (c.u ?? 0) + cal.countBetween(c.r, at);
    delete c.r;
    c.ps = at;
    delete c.d;
  }

  /** Resumes counting at t with the time already used. */
  resume(key: string, t: number): void {
    const c = this.state.k[key];
    if (!c || c.r !== undefined || c.ps === undefined) return;
    const at = Math.max(t, c.ps);
    if (at > c.ps) {
      const pp = (c.pp ??= []);
      pp.push([c.ps, at]);
      if (pp.length > MAX_PERIODS) {
        pp.shift();
        c.pt = 1;
      }
    }
    delete c.ps;
    c.r = at;
    plan(key, c, this.policy);
  }

  /** Moves the start of a clock that has run without interruption earlier, to t. */
  startEarlier(key: string, t: number): void {
    const c = this.state.k[key];
    if (!c || t >= c.s || c.pp?.length || c.r !== c.s) return;
    c.s = t;
    c.r = t;
    plan(key, c, this.policy);
  }

  /** Re-plans every clock after the policy in force changed. */
  replanAll(): void {
    for (const [key, c] of Object.entries(this.state.k)) plan(key, c, this.policy);
  }

  rematch(): void {
    const p = matchPolicy(this.policies, attrsOf(this.state));
    if (p?.id === this.state.pi && p === this.policy) return;
    this.policy = p;
    if (p) this.state.pi = p.id;
    else delete this.state.pi;
    this.replanAll();
  }

  responseClockRunning(): boolean {
    return Object.keys(this.state.k).some((k) => k === 'fr' || k.startsWith('nr.'));
  }
}

export function diffTimers(conversationId: string, before: SlaState | undefined, beforePolicy: CompiledPolicy | undefined, after: SlaState, afterPolicy: CompiledPolicy | undefined) {
  const schedule: TimerSpec[] = [];
  const cancel: TimerKey[] = [];
  const old = new Map<string, TimerSpec>();
  if (before) {
    for (const [key, c] of Object.entries(before.k)) {
      const t = timerOf(conversationId, key, c, beforePolicy);
      if (t) old.set(key, t);
    }
  }
  for (const [key, c] of Object.entries(after.k)) {
    const t = timerOf(conversationId, key, c, afterPolicy);
    const o = old.get(key);
    old.delete(key);
    if (t && (!o || o.dueAt !== t.dueAt || o.threshold !== t.threshold)) schedule.push(t);
    else if (!t && o) cancel.push({ conversationId, clock: key });
  }
  for (const key of old.keys()) cancel.push({ conversationId, clock: key });
  return { schedule, cancel };
}

