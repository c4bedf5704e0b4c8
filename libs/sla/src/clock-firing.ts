/** Firing context: thresholds crossed, firings with deterministic cause ids, clock operations, policy changes, timer diffs. */
import { deterministicId, type Channel } from '@cx/contracts';
import { closedPeriodsOf, instantOf, recount, resolverOf, type CalendarResolver } from './clock-count';
import { attrsOf, instanceOf, isFired, isLiveTargeted, markFired, pendingThreshold, plan, policyOf, rulesOf, timerOf } from './clock-timers';
import { matchPolicy, type CompiledPolicy, type PolicySet } from './policy';
import { ClockState, MAX_PERIODS, SlaCompletion, SlaFiring, SlaState, TimerKey, TimerSpec, iso } from './sla-state';
import { clockTrace, setClockTrace, type StoredTrace } from './trace-context';

export class Ctx {
  readonly firings: SlaFiring[] = [];
  readonly completions: SlaCompletion[] = [];
  policy: CompiledPolicy | undefined;
  /** Trace context fields of the event being applied: stored on the clocks it starts. */
  trace: StoredTrace = {};
  resolve: CalendarResolver;

  constructor(
    readonly conversationId: string,
    readonly state: SlaState,
    public policies: PolicySet,
  ) {
    this.policy = policyOf(state, policies);
    this.resolve = resolverOf(policies);
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
    if (rules.target === undefined || c.d === undefined) return;
    const th = pendingThreshold(key, c, policy);
    const at = c.d;
    const isPromise = rules.metric === 'promise';
    const dueAt = th === 1 ? at : instantOf(c, rules.target, rules.calendar, this.resolve) ?? at;
    const pausedPeriods = (c.pp ?? []).filter(([a]) => a < at).map(([a, b]) => ({ from: iso(a), to: iso(Math.min(b, at)) }));
    const outOfHours = closedPeriodsOf(c, c.s, at, rules.calendar, this.resolve, 50).map(([a, b]) => ({ from: iso(a), to: iso(b) }));
    const promiseId = isPromise ? key.slice(2) : undefined;
    const tenantid = this.state.tn ?? 'default';
    const channel = this.state.a?.c as Channel | undefined;
    const trace = clockTrace(this.state, c);
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
        policyId: policy?.id ?? null,
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
      ...(trace ? { trace } : {}),
    });
    if (th === 1 && !isFired(c, 1)) this.complete('breached', key, c, at);
    markFired(c, th);
    plan(key, c, policy, this.resolve);
  }

  private complete(outcome: SlaCompletion['outcome'], key: string, c: ClockState, at: number, policy = this.policy): void {
    this.completions.push({
      outcome,
      tenantid: this.state.tn ?? 'default',
      conversationId: this.conversationId,
      clock: key,
      metric: rulesOf(key, c, policy).metric,
      policyId: policy?.id ?? null,
      atMs: at,
      startedAtMs: c.s,
    });
  }

  // --- clock operations, each at the event's own time t -------------------------------------

  start(key: string, t: number, extra: Partial<ClockState> = {}): void {
    const c: ClockState = { s: t, r: t, ...extra };
    setClockTrace(this.state, c, this.trace);
    this.state.k[key] = c;
    plan(key, c, this.policy, this.resolve);
  }

  /** Stops and removes a clock at t: thresholds due at or before t fire first; a clock with a target that had not breached is met. */
  stop(key: string, t: number): void {
    const c = this.state.k[key];
    if (!c || t < c.s) return;
    this.fireDue(key, t);
    if (isLiveTargeted(key, c, this.policy)) this.complete('met', key, c, t);
    delete this.state.k[key];
  }

  /**
   * Stops counting at t (pause, or resolution stopped by `resolved`) keeping the time used.
   * `resolved`: the clock is met (until a reopen takes that back).
   */
  halt(key: string, t: number, resolved = false): void {
    const c = this.state.k[key];
    if (!c || c.r === undefined) return;
    const at = Math.max(t, c.r);
    this.fireDue(key, at);
    const cal = rulesOf(key, c, this.policy).calendar;
    c.u = (c.u ?? 0) + cal.countBetween(c.r, at);
    delete c.r;
    c.ps = at;
    delete c.d;
    delete c.th;
    if (resolved && isLiveTargeted(key, c, this.policy)) {
      this.complete('met', key, c, at);
      c.m = 1;
    }
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
    plan(key, c, this.policy, this.resolve);
  }

  /** Moves the start of a clock that has run without interruption earlier, to t. */
  startEarlier(key: string, t: number): void {
    const c = this.state.k[key];
    if (!c || t >= c.s || c.pp?.length || c.r !== c.s || c.u) return;
    c.s = t;
    c.r = t;
    if (key === 'res') {
      // The conversation's first event is now this one: its trace becomes the default; clocks
      // that used the old default keep it as their own.
      for (const [k, other] of Object.entries(this.state.k)) if (k !== 'res' && other.tp === undefined) setClockTrace({}, other, { tp: this.state.tp, ts: this.state.ts });
      this.setConversationTrace(this.trace);
      delete c.tp;
      delete c.ts;
    } else setClockTrace(this.state, c, this.trace);
    plan(key, c, this.policy, this.resolve);
  }

  setConversationTrace(trace: StoredTrace): void {
    delete this.state.tp;
    delete this.state.ts;
    if (trace.tp) this.state.tp = trace.tp;
    if (trace.ts) this.state.ts = trace.ts;
  }

  // --- policy changes ------------------------------------------------------------------------

  /** Matches the policy again on the attributes now known; while resolved, when it reopens. */
  rematch(t: number): void {
    if (this.state.st === 'r') {
      this.state.rm = 1;
      return;
    }
    delete this.state.rm;
    this.changePolicy(matchPolicy(this.policies, attrsOf(this.state)), t);
  }

  /**
   * The conversation is no longer resolved (reopened, or another status than closed): the
   * resolution clock's `met` is taken back (under the policy it was reported with), then a policy
   * change that waited for the reopen applies.
   */
  reopened(t: number): void {
    const res = this.state.k['res'];
    if (res?.m) {
      this.complete('reopened', 'res', res, t);
      delete res.m;
    }
    if (this.state.rm && this.state.st !== 'r') this.rematch(t);
  }

  /** Applies another policy set from instant t on (a reload); the calendars of both resolve recorded pieces. */
  switchSet(next: PolicySet, t: number): void {
    const previous = this.policies;
    this.policies = next;
    this.resolve = resolverOf(previous, next);
    this.rematch(t);
  }

  /**
   * The policy in force becomes `next` at instant T (docs/contract.md (SLA semantics)). Running clocks keep their
   * start, pauses and time used: the count up to T is what the old calendar counted, from T on the
   * new one counts. A metric without a target any more stops silently (counted as `dropped`); one
   * that had none counts its whole past under the new calendar, as if the new policy had applied
   * from the beginning. Every clock is re-planned; fired fractions stay fired.
   */
  changePolicy(next: CompiledPolicy | undefined, T: number): void {
    const old = this.policy;
    if (next !== old) this.replan(old, next, T);
    this.policy = next;
    if (next) this.state.pi = next.id;
    else delete this.state.pi;
  }

  private replan(old: CompiledPolicy | undefined, next: CompiledPolicy | undefined, T: number): void {
    for (const [key, c] of Object.entries(this.state.k)) {
      const o = rulesOf(key, c, old);
      const n = rulesOf(key, c, next);
      if (c.r !== undefined && T > c.r) {
        c.u = (c.u ?? 0) + o.calendar.countBetween(c.r, T);
        c.r = T;
      }
      const wasTargeted = o.target !== undefined;
      const nowTargeted = n.target !== undefined;
      if (wasTargeted && !nowTargeted && isLiveTargeted(key, c, old)) this.complete('dropped', key, c, T, old);
      if (!wasTargeted && nowTargeted) {
        if (!c.pt) c.u = recount(c, n.calendar);
        delete c.kc;
      } else if (wasTargeted && nowTargeted && o.calendar.id !== n.calendar.id) {
        const kc = (c.kc ??= []);
        const from = Math.max(T, c.r ?? c.ps ?? T, kc.length ? kc[kc.length - 1][0] : T);
        kc.push([from, o.calendar.id ?? '']);
        if (kc.length > MAX_PERIODS) {
          kc.shift();
          c.pt = 1;
        }
      }
      plan(key, c, next, this.resolve);
    }
  }
}

/** Timer upserts and removals between two versions of a state. */
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
