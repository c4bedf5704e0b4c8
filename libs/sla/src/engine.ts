import { createHash } from 'node:crypto';
import { deterministicId, type Channel, type InteractionEvent, type SlaMetric } from '@cx/contracts';
import { ALWAYS_OPEN, type SlaCalendar, type Span } from './calendar';
import { matchPolicy, type CompiledPolicy, type ConversationAttributes, type PolicySet, type TargetMetric } from './policy';

/*
 * The pure SLA engine. A conversation's state is a small JSON value; `applyEvent` and `fire`
 * return the next state plus the timer changes for a scheduler. Time comes only from event
 * times and timer due instants, never from the wall clock. See libs/sla/README.md.
 */

// ---------------------------------------------------------------------------------------------
// State

/** Conversation status, one letter: open, pending_customer, on_hold, resolved, closed. */
export type StatusCode = 'o' | 'p' | 'h' | 'r' | 'c';

/**
 * One SLA clock. Its metric and instance follow from its key in `SlaState.k`:
 * `fr` firstResponse, `res` resolution, `nr.<n>` nextResponse, `qw.<n>` queueWait,
 * `p.<promiseId>` promise.
 */
export interface ClockState {
  /** startedAt (epoch ms): the event time that started the clock. */
  s: number;
  /** Counted ms used before the current running segment (absent = 0). */
  u?: number;
  /** Start of the current running segment; absent while the clock does not run. */
  r?: number;
  /** Not running since (pause or resolved); set exactly when `r` is absent. */
  ps?: number;
  /** Closed non-running periods [from, to], oldest first, at most MAX_PERIODS. */
  pp?: Span[];
  /** 1 when older periods were dropped from `pp`. */
  pt?: 1;
  /** Highest threshold already fired (a warnAt fraction, or 1 = breached); absent = none. */
  f?: number;
  /** Due instant of the next threshold to fire; absent = nothing scheduled. */
  d?: number;
  /** promise only: the promised dueAt. */
  pd?: number;
  /** promise only: its kind, one letter (see PROMISE_KIND_CODE), so escalations can list open promises. */
  pk?: string;
}

export interface SlaState {
  v: 1;
  /** Status. */
  st: StatusCode;
  /** Event time of the latest status change. */
  sc?: number;
  /** First event time of the conversation (the resolution clock's start). */
  t0: number;
  /** Latest event time seen: an event older than this is late. */
  lt: number;
  /** Latest agent message time. */
  la?: number;
  /** firstResponse: 1 started, 2 done. */
  fr?: 1 | 2;
  /** Sequence for nextResponse / queueWait clock instances. */
  n?: number;
  /** Attributes: channel, tier, priority, queue, tags. */
  a?: { c?: string; t?: string; p?: string; q?: string; g?: string[] };
  /** Id of the policy in force (matched on the attributes known so far). */
  pi?: string;
  /** Tenant, when not "default". */
  tn?: string;
  /** Clocks by key. */
  k: Record<string, ClockState>;
  /** Recently kept promises: promiseId → kept time (so a late `made` does not start a kept promise). */
  kp?: Record<string, number>;
  /** Recent event ids (6 base64url chars of a hash of source + id each, newest last, at most 8) for duplicate detection. */
  ids: string;
}

// ---------------------------------------------------------------------------------------------
// Timers and results

/**
 * A scheduled threshold crossing. The timer's identity is (conversationId, clock): each clock has
 * at most one pending timer, its next threshold, so a Redis sorted-set member
 * `timerMember(t)` with score `dueAt` is simply overwritten on reschedule. `dueAt` + `threshold`
 * are the version: `fire` ignores a timer whose clock no longer has that due instant.
 */
export interface TimerSpec {
  conversationId: string;
  clock: string;
  metric: SlaMetric;
  threshold: number;
  dueAt: number;
}
export interface TimerKey {
  conversationId: string;
  clock: string;
}

export interface SlaPeriod {
  from: string;
  to: string;
}

/** Everything `cx.sla.warning.v1` / `cx.sla.breached.v1` need (see toSlaEvent). */
export interface SlaFiring {
  kind: 'warning' | 'breached';
  /** Deterministic cause id: conversation, metric, clock instance, threshold, clock start. */
  id: string;
  tenantid: string;
  conversationId: string;
  /** `at` and `dueAt` in epoch ms, for ordering and lateness metrics. */
  atMs: number;
  dueAtMs: number;
  data: {
    conversationId: string;
    channel?: Channel;
    policyId: string;
    metric: SlaMetric;
    dueAt: string;
    at: string;
    threshold: number;
    targetMs: number;
    startedAt: string;
    promiseId?: string;
    pausedPeriods: SlaPeriod[];
    outOfHoursPeriods: SlaPeriod[];
  };
}

export type ApplyOutcome = 'applied' | 'duplicate' | 'dropped-closed';

export interface ApplyResult {
  state: SlaState;
  /** Timers to add or move (upsert by key). */
  schedule: TimerSpec[];
  /** Timers to remove. */
  cancel: TimerKey[];
  /** Thresholds crossed at or before the event's own time that had not fired yet. */
  firings: SlaFiring[];
  /** The event is older than the latest event time seen for the conversation. */
  lateEvent: boolean;
  outcome: ApplyOutcome;
}

export interface FireResult {
  state: SlaState;
  firings: SlaFiring[];
  schedule: TimerSpec[];
  cancel: TimerKey[];
  /** The timer no longer matches the state (rescheduled, stopped): nothing fired. */
  stale: boolean;
}

/** Policy id reported for promises of a conversation that no policy matches. */
export const NO_POLICY = 'none';
const MAX_PERIODS = 8;
const MAX_IDS = 8;
const ID_LEN = 6;
const MAX_KEPT = 8;

/** One-letter codes of `cx.promise.made.v1` kinds, kept in `ClockState.pk` (a few bytes per promise). */
export const PROMISE_KIND_CODE: Record<string, string> = { callback: 'c', reply: 'r', resolution: 's', delivery: 'd', other: 'o' };
const PROMISE_KIND_BY_CODE = Object.fromEntries(Object.entries(PROMISE_KIND_CODE).map(([k, v]) => [v, k]));

export interface OpenPromise {
  promiseId: string;
  kind: string;
  dueAt: string;
}

/** Promises of a conversation that are still running (made, not kept, not closed), soonest first. */
export function openPromises(state: SlaState): OpenPromise[] {
  return Object.entries(state.k)
    .filter(([key, c]) => key.startsWith('p.') && c.pd !== undefined)
    .sort((a, b) => a[1].pd! - b[1].pd!)
    .map(([key, c]) => ({ promiseId: key.slice(2), kind: PROMISE_KIND_BY_CODE[c.pk ?? 'o'] ?? 'other', dueAt: iso(c.pd!) }));
}

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
function instanceOf(key: string): string {
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

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** 36 bits of a hash of (source, id) as 6 base64url characters. */
function idHash(source: string, id: string): string {
  return createHash('sha1').update(source).update('\u001f').update(id).digest('base64url').slice(0, ID_LEN);
}

/**
 * Deep copy with exactly the result of `JSON.parse(JSON.stringify(v))` for the plain data a state
 * holds (undefined members dropped, non-finite numbers as null), without building the text: the
 * scheduler and the consumer copy a state on every step, and the JSON round trip was a tenth of
 * the scheduler's CPU time.
 */
function jsonCopy(v: unknown): unknown {
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

function clone(s: SlaState): SlaState {
  return jsonCopy(s) as SlaState;
}

function attrsOf(s: SlaState): ConversationAttributes {
  const a = s.a ?? {};
  return { channel: a.c, tier: a.t, priority: a.p, queue: a.q, tags: a.g };
}

function policyOf(s: SlaState, set: PolicySet): CompiledPolicy | undefined {
  if (s.pi !== undefined) {
    const p = set.byId.get(s.pi);
    if (p) return p;
  }
  return matchPolicy(set, attrsOf(s));
}

/** Counted ms at which threshold `th` of `target` is crossed (first whole ms at or past it). */
function thresholdMs(th: number, target: number): number {
  const v = th * target;
  const r = Math.round(v);
  return Math.abs(v - r) < 1e-6 ? r : Math.ceil(v);
}

interface ClockRules {
  metric: SlaMetric;
  target: number | undefined;
  calendar: SlaCalendar;
}

function rulesOf(key: string, c: ClockState, policy: CompiledPolicy | undefined): ClockRules {
  const metric = metricOfClock(key);
  if (metric === 'promise') return { metric, target: Math.max(0, (c.pd ?? c.s) - c.s), calendar: ALWAYS_OPEN };
  return { metric, target: policy?.targets[metric as TargetMetric], calendar: policy?.calendar ?? ALWAYS_OPEN };
}

/** Running segments of a clock up to now (the last one open-ended when running). */
function segments(c: ClockState): Array<[number, number]> {
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
function crossingInstant(c: ClockState, ms: number, cal: SlaCalendar): number | undefined {
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
function thresholdsFor(key: string, c: ClockState, policy: CompiledPolicy | undefined): number[] {
  if (key.startsWith('p.') && (c.pd ?? 0) <= c.s) return [1];
  return [...(policy?.warnAt ?? []), 1];
}

/** Sets `d` to the due instant of the next threshold after `f`, or clears it. */
function plan(key: string, c: ClockState, policy: CompiledPolicy | undefined): void {
  delete c.d;
  const rules = rulesOf(key, c, policy);
  if (rules.target === undefined || c.r === undefined) return;
  const next = thresholdsFor(key, c, policy).find((th) => th > (c.f ?? 0));
  if (next === undefined) return;
  c.d = crossingInstant(c, thresholdMs(next, rules.target), rules.calendar);
}

function timerOf(conversationId: string, key: string, c: ClockState, policy: CompiledPolicy | undefined): TimerSpec | undefined {
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

// ---------------------------------------------------------------------------------------------
// Firing

class Ctx {
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

function diffTimers(conversationId: string, before: SlaState | undefined, beforePolicy: CompiledPolicy | undefined, after: SlaState, afterPolicy: CompiledPolicy | undefined) {
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

// ---------------------------------------------------------------------------------------------
// Compact serialisation (for Redis)

const CONV_TIMES = ['lt', 'la', 'sc'] as const;
const CLOCK_TIMES = ['s', 'r', 'ps', 'd', 'pd'] as const;

/**
 * Serialises a state compactly: JSON with every instant except `t0` stored relative to `t0`
 * (a few digits instead of 13). `decodeState(encodeState(s))` deep-equals `s`.
 */
export function encodeState(state: SlaState): string {
  return JSON.stringify(shifted(state, -state.t0));
}

/**
 * A copy of `s` with every instant except t0 moved by `by`, for encodeState: only the objects that
 * hold instants are copied (spread keeps the key order, so the text is what shiftTimes on a deep
 * copy would give); everything else is shared with `s`, which is not modified.
 */
function shifted(s: SlaState, by: number): SlaState {
  const out: SlaState = { ...s, k: {} };
  for (const f of CONV_TIMES) if (s[f] !== undefined) out[f] = s[f]! + by;
  for (const [key, c] of Object.entries(s.k)) {
    const cc: ClockState = { ...c };
    for (const f of CLOCK_TIMES) if (c[f] !== undefined) cc[f] = c[f]! + by;
    if (c.pp) cc.pp = c.pp.map(([a, b]) => [a + by, b + by]);
    out.k[key] = cc;
  }
  if (s.kp) {
    const kp: Record<string, number> = {};
    for (const [id, t] of Object.entries(s.kp)) kp[id] = t + by;
    out.kp = kp;
  }
  return out;
}
export function decodeState(text: string): SlaState {
  const s = JSON.parse(text) as SlaState;
  if (s.v !== 1) throw new Error(`unsupported SLA state version ${String(s.v)}`);
  return shiftTimes(s, s.t0);
}

/** Adds `by` to every instant except t0, in place. */
function shiftTimes(s: SlaState, by: number): SlaState {
  for (const f of CONV_TIMES) if (s[f] !== undefined) s[f] = s[f]! + by;
  for (const c of Object.values(s.k)) {
    for (const f of CLOCK_TIMES) if (c[f] !== undefined) c[f] = c[f]! + by;
    if (c.pp) c.pp = c.pp.map(([a, b]) => [a + by, b + by]);
  }
  if (s.kp) for (const id of Object.keys(s.kp)) s.kp[id] += by;
  return s;
}

// ---------------------------------------------------------------------------------------------
// applyEvent

const STATUS_CODE: Record<string, StatusCode> = { open: 'o', pending_customer: 'p', on_hold: 'h', resolved: 'r', closed: 'c' };

/** A fresh conversation state, opened by its first event at time t. */
export function newState(t: number, tenantid = 'default'): SlaState {
  const s: SlaState = { v: 1, st: 'o', t0: t, lt: t, k: {}, ids: '' };
  if (tenantid !== 'default') s.tn = tenantid;
  return s;
}

/**
 * Applies one input event to a conversation's SLA state (undefined = not seen yet). Pure: the
 * input state is not modified. Thresholds crossed at or before the event's time fire first.
 */
export function applyEvent(prev: SlaState | undefined, event: InteractionEvent, policies: PolicySet): ApplyResult {
  const t = Date.parse(event.time);
  const conversationId = event.data.conversationId;
  const h = idHash(event.source, event.id);
  if (prev) {
    for (let i = 0; i < prev.ids.length; i += ID_LEN) {
      if (prev.ids.slice(i, i + ID_LEN) === h) return { state: prev, schedule: [], cancel: [], firings: [], lateEvent: false, outcome: 'duplicate' };
    }
  }
  const lateEvent = prev !== undefined && t < prev.lt;
  if (prev?.st === 'c') return { state: prev, schedule: [], cancel: [], firings: [], lateEvent, outcome: 'dropped-closed' };

  const beforePolicy = prev ? policyOf(prev, policies) : undefined;
  const state = prev ? clone(prev) : newState(t, event.tenantid);
  state.ids = (state.ids + h).slice(-ID_LEN * MAX_IDS);
  if (t > state.lt) state.lt = t;
  const ctx = new Ctx(conversationId, state, policies);

  // The first event opens the conversation and starts the resolution clock; an event older than
  // the first one seen moves that start earlier.
  if (!prev) {
    const a = (state.a = {} as NonNullable<SlaState['a']>);
    const ch = channelOf(event);
    if (ch) a.c = ch;
    ctx.rematch();
    ctx.start('res', t);
  } else {
    if (t < state.t0) {
      state.t0 = t;
      ctx.startEarlier('res', t);
    }
    if (!state.a?.c) {
      const ch = channelOf(event);
      if (ch) {
        (state.a ??= {}).c = ch;
        ctx.rematch();
      }
    }
  }

  ctx.fireAllDue(t);

  switch (event.type) {
    case 'cx.conversation.opened.v1': {
      const d = event.data;
      const a = (state.a ??= {});
      a.c = d.channel;
      if (d.customer.tier !== undefined) a.t = d.customer.tier;
      if (d.priority !== undefined) a.p = d.priority;
      if (d.queue !== undefined) a.q = d.queue;
      if (d.tags !== undefined) a.g = d.tags;
      ctx.rematch();
      break;
    }
    case 'cx.message.v1':
      onMessage(ctx, event.data.author.role, t);
      break;
    case 'cx.conversation.status.v1':
      onStatus(ctx, STATUS_CODE[event.data.status], t);
      break;
    case 'cx.call.queued.v1': {
      if (event.data.queue !== undefined && state.a?.q === undefined) {
        (state.a ??= {}).q = event.data.queue;
        ctx.rematch();
      }
      const running = Object.keys(state.k).find((k) => k.startsWith('qw.'));
      if (running) ctx.startEarlier(running, t);
      else {
        state.n = (state.n ?? 0) + 1;
        ctx.start(`qw.${state.n}`, t);
      }
      break;
    }
    case 'cx.call.answered.v1':
    case 'cx.call.abandoned.v1':
      for (const k of Object.keys(state.k)) if (k.startsWith('qw.')) ctx.stop(k, t);
      break;
    case 'cx.promise.made.v1': {
      const key = `p.${event.data.promiseId}`;
      const due = Date.parse(event.data.dueAt);
      const kept = state.kp?.[event.data.promiseId];
      if (state.k[key] && state.k[key].s > t) break; // a newer version of this promise is in force
      ctx.start(key, t, { pd: due, pk: PROMISE_KIND_CODE[event.data.kind] ?? 'o' });
      if (kept !== undefined && kept >= t) ctx.stop(key, kept);
      break;
    }
    case 'cx.promise.kept.v1': {
      const key = `p.${event.data.promiseId}`;
      const kp = (state.kp ??= {});
      kp[event.data.promiseId] = Math.max(kp[event.data.promiseId] ?? t, t);
      if (Object.keys(kp).length > MAX_KEPT) delete kp[Object.keys(kp)[0]];
      ctx.stop(key, t);
      break;
    }
    case 'cx.conversation.assigned.v1':
      break;
  }
  // A policy that became known only now may put thresholds in the past: they fire at their instant.
  ctx.fireAllDue(t);

  const { schedule, cancel } = diffTimers(conversationId, prev, beforePolicy, state, ctx.policy);
  return { state, schedule, cancel, firings: ctx.firings, lateEvent, outcome: 'applied' };
}

function channelOf(event: InteractionEvent): string | undefined {
  if (event.type.startsWith('cx.call.')) return 'call';
  return (event.data as { channel?: string }).channel;
}

function onMessage(ctx: Ctx, role: string, t: number): void {
  const state = ctx.state;
  if (role === 'agent') {
    for (const k of Object.keys(state.k)) {
      if (k !== 'fr' && !k.startsWith('nr.')) continue;
      const c = state.k[k];
      if (t < c.s) continue; // a reply older than the message it would answer
      ctx.stop(k, t);
      if (k === 'fr') state.fr = 2;
    }
    if (state.la === undefined || t > state.la) state.la = t;
    return;
  }
  if (role !== 'customer') return; // bots and system messages neither start nor stop clocks

  if (state.st === 'r' && (state.sc === undefined || t >= state.sc)) {
    // A customer message on a resolved conversation reopens it.
    state.st = 'o';
    state.sc = t;
    ctx.resume('res', t);
  }
  const answeredLater = state.la !== undefined && state.la > t;
  if (state.fr === undefined) {
    if (answeredLater) {
      state.fr = 2; // an agent reply after this message was already seen: answered (README)
      return;
    }
    state.fr = 1;
    ctx.start('fr', t);
    return;
  }
  const running = Object.keys(state.k).find((k) => k === 'fr' || k.startsWith('nr.'));
  if (running) {
    if (state.la === undefined || t > state.la) ctx.startEarlier(running, t);
    return;
  }
  if (state.la !== undefined && state.la <= t) {
    state.n = (state.n ?? 0) + 1;
    ctx.start(`nr.${state.n}`, t);
  }
}

function onStatus(ctx: Ctx, code: StatusCode, t: number): void {
  const state = ctx.state;
  if (code === 'c') {
    // Final: every clock stops at the close time, promises included (a later `kept` is dropped).
    for (const k of Object.keys(state.k)) ctx.stop(k, t);
    state.st = 'c';
    state.sc = t;
    state.k = {};
    delete state.kp;
    delete state.n;
    return;
  }
  const res = state.k['res'];
  if (state.sc !== undefined && t < state.sc) {
    // Older than the status in force: superseded, except that a late non-counting status inside
    // the running resolution segment takes that span out of the count (README, late events).
    if (code !== 'o' && res && res.r !== undefined && res.r <= t) {
      const resumeAt = state.sc;
      ctx.halt('res', t);
      ctx.resume('res', resumeAt);
    }
    return;
  }
  const prevCode = state.st;
  state.st = code;
  state.sc = t;
  if (code === 'r') {
    for (const k of Object.keys(state.k)) if (k === 'fr' || k.startsWith('nr.') || k.startsWith('qw.')) ctx.stop(k, t);
    if (state.fr === 1) state.fr = 2;
    ctx.halt('res', t);
  } else if (code === 'p' || code === 'h') {
    ctx.halt('res', t);
  } else if (code === 'o' && prevCode !== 'o') {
    ctx.resume('res', t);
  }
}

// ---------------------------------------------------------------------------------------------
// fire

/**
 * Fires a due timer. Returns the firing(s) and the clock's next timer; a timer that does not
 * match the state (the clock moved, stopped or already fired that threshold) is stale and fires
 * nothing, so a timer claimed twice or after a restart emits once.
 */
export function fire(prev: SlaState | undefined, timer: TimerKey & { dueAt: number; threshold?: number }, policies: PolicySet): FireResult {
  const c = prev?.k[timer.clock];
  const stale = (): FireResult => ({ state: prev as SlaState, firings: [], schedule: [], cancel: [], stale: true });
  if (!prev || !c || c.d === undefined || c.d !== timer.dueAt || prev.st === 'c') return stale();
  const beforePolicy = policyOf(prev, policies);
  if (timer.threshold !== undefined && timerOf(timer.conversationId, timer.clock, c, beforePolicy)?.threshold !== timer.threshold) return stale();
  const state = clone(prev);
  const ctx = new Ctx(timer.conversationId, state, policies);
  ctx.fireDue(timer.clock, timer.dueAt);
  const { schedule, cancel } = diffTimers(timer.conversationId, prev, beforePolicy, state, ctx.policy);
  return { state, firings: ctx.firings, schedule, cancel, stale: false };
}
