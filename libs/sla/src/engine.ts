import { type InteractionEvent } from '@cx/contracts';
import { type PolicySet } from './policy';
import { Ctx, diffTimers } from './clock-firing';
import { clone, idHash, policyOf, timerOf } from './clock-timers';
import { ApplyOutcome, ApplyResult, FireResult, ID_LEN, MAX_IDS, MAX_KEPT, PROMISE_KIND_CODE, SlaState, StatusCode, TimerKey } from './sla-state';
import { storeTrace } from './trace-context';

/*
 * The pure SLA engine. A conversation's state is a small JSON value; `applyEvent` and `fire`
 * return the next state plus the timer changes for a scheduler. Time comes only from event
 * times and timer due instants, never from the wall clock. See libs/sla/README.md.
 */

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
  const nothing = (state: SlaState, outcome: ApplyOutcome, lateEvent: boolean): ApplyResult => ({ state, schedule: [], cancel: [], firings: [], completions: [], lateEvent, outcome });
  if (prev) {
    for (let i = 0; i < prev.ids.length; i += ID_LEN) {
      if (prev.ids.slice(i, i + ID_LEN) === h) return nothing(prev, 'duplicate', false);
    }
  }
  const lateEvent = prev !== undefined && t < prev.lt;
  if (prev?.st === 'c') return nothing(prev, 'dropped-closed', lateEvent);
  if (event.type === 'cx.conversation.updated.v1' && prev?.a?.c !== undefined && prev.a.c !== event.data.channel) {
    // The channel cannot change: counted by the service, otherwise ignored (remembered as seen).
    const state = clone(prev);
    state.ids = (state.ids + h).slice(-ID_LEN * MAX_IDS);
    return nothing(state, 'ignored-channel-change', lateEvent);
  }

  const beforePolicy = prev ? policyOf(prev, policies) : undefined;
  const state = prev ? clone(prev) : newState(t, event.tenantid);
  state.ids = (state.ids + h).slice(-ID_LEN * MAX_IDS);
  if (t > state.lt) state.lt = t;
  const ctx = new Ctx(conversationId, state, policies);
  ctx.trace = storeTrace(event);
  const learnt = attributesOf(event);

  if (!prev) {
    // The first event opens the conversation and starts the resolution clock, under the policy
    // its own attributes select.
    const a = (state.a = {} as NonNullable<SlaState['a']>);
    const ch = channelOf(event);
    if (ch) a.c = ch;
    assignAttributes(a, learnt);
    ctx.setConversationTrace(ctx.trace);
    ctx.rematch(t);
    ctx.start('res', t);
  } else {
    if (t < state.t0) {
      state.t0 = t; // an event older than the first one seen moves the start earlier
      ctx.startEarlier('res', t);
    }
    ctx.fireAllDue(t); // an event at a threshold's instant comes after it
    const a = (state.a ??= {});
    let changed = false;
    if (a.c === undefined) {
      const ch = channelOf(event);
      if (ch) {
        a.c = ch;
        changed = true;
      }
    }
    if (assignAttributes(a, learnt)) changed = true;
    if (changed) ctx.rematch(t);
  }

  switch (event.type) {
    case 'cx.message.v1':
      onMessage(ctx, event.data.author.role, t);
      break;
    case 'cx.conversation.status.v1':
      onStatus(ctx, STATUS_CODE[event.data.status], t);
      break;
    case 'cx.call.queued.v1': {
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
    default: // opened / updated (attributes, above), assigned
      break;
  }
  // A policy that became known only now may put thresholds in the past: they fire at their instant.
  ctx.fireAllDue(t);

  const { schedule, cancel } = diffTimers(conversationId, prev, beforePolicy, state, ctx.policy);
  return { state, schedule, cancel, firings: ctx.firings, completions: ctx.completions, lateEvent, outcome: 'applied' };
}

type Attributes = NonNullable<SlaState['a']>;

/** Matching attributes an event states: `opened` all of them, `updated` the changed ones, `queued` its queue. */
function attributesOf(event: InteractionEvent): Attributes | undefined {
  switch (event.type) {
    case 'cx.conversation.opened.v1': {
      const d = event.data;
      return { c: d.channel, t: d.customer.tier, p: d.priority, q: d.queue, g: d.tags, l: d.customer.language };
    }
    case 'cx.conversation.updated.v1': {
      const d = event.data;
      return { t: d.customer?.tier, p: d.priority, q: d.queue, g: d.tags, l: d.customer?.language };
    }
    case 'cx.call.queued.v1':
      return { q: event.data.queue };
    default:
      return undefined;
  }
}

/** Copies the attributes that are stated (a field left out is unchanged); true when any changed. */
function assignAttributes(a: Attributes, learnt: Attributes | undefined): boolean {
  if (!learnt) return false;
  let changed = false;
  for (const key of ['c', 't', 'p', 'q'] as const) {
    const v = learnt[key];
    if (v !== undefined && a[key] !== v) {
      a[key] = v;
      changed = true;
    }
  }
  if (learnt.g !== undefined && JSON.stringify(a.g ?? null) !== JSON.stringify(learnt.g)) {
    a.g = [...learnt.g];
    changed = true;
  }
  // The language selects no policy: kept without a re-match.
  if (learnt.l !== undefined) a.l = learnt.l;
  return changed;
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
    ctx.reopened(t); // a met resolution is taken back; a policy change made while resolved applies now
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
    // Ends the response and queue clocks (met); resolution stops keeping the time used (met until a reopen).
    for (const k of Object.keys(state.k)) if (k === 'fr' || k.startsWith('nr.') || k.startsWith('qw.')) ctx.stop(k, t);
    if (state.fr === 1) state.fr = 2;
    ctx.halt('res', t, true);
  } else if (code === 'p' || code === 'h') {
    ctx.halt('res', t);
  } else if (code === 'o' && prevCode !== 'o') {
    ctx.resume('res', t);
  }
  if (prevCode === 'r' && code !== 'r') ctx.reopened(t);
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
  const stale = (): FireResult => ({ state: prev as SlaState, firings: [], schedule: [], cancel: [], completions: [], stale: true });
  if (!prev || !c || c.d === undefined || c.d !== timer.dueAt || prev.st === 'c') return stale();
  const beforePolicy = policyOf(prev, policies);
  if (timer.threshold !== undefined && timerOf(timer.conversationId, timer.clock, c, beforePolicy)?.threshold !== timer.threshold) return stale();
  const state = clone(prev);
  const ctx = new Ctx(timer.conversationId, state, policies);
  ctx.fireDue(timer.clock, timer.dueAt);
  const { schedule, cancel } = diffTimers(timer.conversationId, prev, beforePolicy, state, ctx.policy);
  return { state, firings: ctx.firings, schedule, cancel, completions: ctx.completions, stale: false };
}

export { metricOfClock, nextDueOf, openClocks, parseTimerMember, timerMember, timersOf } from './clock-timers';
export { ApplyOutcome, ApplyResult, ClockState, FireResult, OpenPromise, PROMISE_KIND_CODE, SlaCompletion, SlaFiring, SlaPeriod, SlaState, StatusCode, TimerKey, TimerSpec, openPromises } from './sla-state';
export { decodeState, encodeState } from './state-codec';
export { reloadPolicies, type PolicyChangeResult } from './policy-reload';
