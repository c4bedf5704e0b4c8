/** The SLA engine's state and result types: a conversation's clocks as a small JSON value. */
import { type Channel, type SlaMetric, type TraceContext } from '@cx/contracts';
import { type Span } from './calendar';

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
  /** Counted ms up to `r` (while running) or `ps` (while not running); absent = 0. */
  u?: number;
  /**
   * Running: counted from here on with the calendar in force (the start of the current running
   * segment, or the latest policy change inside it); absent while the clock does not run.
   */
  r?: number;
  /** Not running since (pause or resolved); set exactly when `r` is absent. */
  ps?: number;
  /** Closed non-running periods [from, to], oldest first, at most MAX_PERIODS. */
  pp?: Span[];
  /** 1 when older periods were dropped from `pp`. */
  pt?: 1;
  /** Threshold fractions already fired, ascending (1 = breached). A fraction never fires twice. */
  f?: number[];
  /** States written before fired sets existed: every fraction up to this one counts as fired. */
  fl?: number;
  /** Due instant of the next threshold to fire; absent = nothing scheduled. */
  d?: number;
  /** The threshold (fraction) due at `d`. */
  th?: number;
  /**
   * Calendars counted before a policy change: [until, calendar id ('' = 24/7)], ascending. From
   * the last `until` on, the calendar of the policy in force counts. Absent: one calendar throughout.
   */
  kc?: Array<[number, string]>;
  /** 1 while `met` has been reported for a resolution clock stopped by `resolved` (a reopen revokes it). */
  m?: 1;
  /**
   * Trace context of the event that started the clock (compact traceparent, see trace-context.ts,
   * and tracestate) when it differs from the conversation's (`SlaState.tp`); '' = none.
   */
  tp?: string;
  ts?: string;
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
  /**
   * Attributes: channel, tier, priority, queue, tags (policies match on them), and the customer's
   * language `l` (never matched; kept so attainment can be told per team, see attainment-buckets.ts).
   */
  a?: { c?: string; t?: string; p?: string; q?: string; g?: string[]; l?: string };
  /** Id of the policy in force (matched on the attributes known so far). */
  pi?: string;
  /** Tenant, when not "default". */
  tn?: string;
  /** 1 when the attributes changed while resolved: the policy is matched again when it reopens. */
  rm?: 1;
  /**
   * Trace context of the conversation's first event (it starts resolution, often firstResponse
   * too): the default of every clock that does not hold its own, so it is stored once.
   */
  tp?: string;
  ts?: string;
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
    /** null for a promise of a conversation that no policy matches. */
    policyId: string | null;
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
  /** Trace context of the event that started the clock: the `cause` of the output events. */
  trace?: TraceContext;
}

/**
 * How a clock ended, for attainment (met / breached per policy and metric). Each clock reports at
 * most one of `met`, `breached`, `dropped` at a time: `met` when it stopped before its breach,
 * `breached` at the breach (under the policy the breach names), `dropped` when a policy change
 * left its metric without a target (it counts only as a clock). `reopened` takes back a `met` of a
 * resolution clock whose conversation reopened (same policy as that `met`); the clock reports again.
 */
export interface SlaCompletion {
  outcome: 'met' | 'breached' | 'dropped' | 'reopened';
  tenantid: string;
  conversationId: string;
  clock: string;
  metric: SlaMetric;
  policyId: string | null;
  /** Instant of the outcome: the stop, the breach, the change (epoch ms). */
  atMs: number;
  startedAtMs: number;
}

/** `ignored-channel-change`: an update naming another channel (the channel cannot change); count it. */
export type ApplyOutcome = 'applied' | 'duplicate' | 'dropped-closed' | 'ignored-channel-change';

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
  /** Clocks that ended (or were counted) by this event, for attainment counters. */
  completions: SlaCompletion[];
}

export interface FireResult {
  state: SlaState;
  firings: SlaFiring[];
  schedule: TimerSpec[];
  cancel: TimerKey[];
  /** The timer no longer matches the state (rescheduled, stopped): nothing fired. */
  stale: boolean;
  completions: SlaCompletion[];
}

export const MAX_PERIODS = 8;
export const MAX_IDS = 8;
export const ID_LEN = 6;
export const MAX_KEPT = 8;

/** One-letter codes of `cx.promise.made.v1` kinds, kept in `ClockState.pk` (a few bytes per promise). */
export const PROMISE_KIND_CODE: Record<string, string> = { callback: 'c', reply: 'r', resolution: 's', delivery: 'd', other: 'o' };
export const PROMISE_KIND_BY_CODE = Object.fromEntries(Object.entries(PROMISE_KIND_CODE).map(([k, v]) => [v, k]));

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


export function iso(ms: number): string {
  return new Date(ms).toISOString();
}
