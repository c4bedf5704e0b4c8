/**
 * Live policy reload, the pure part: a new policy file applied to a conversation's state as a
 * policy change at the reload instant. The service (SIGHUP / file watch) calls it for every
 * state it owns and writes back the results like a fired timer's.
 */
import { Ctx, diffTimers } from './clock-firing';
import { clone, policyOf } from './clock-timers';
import type { PolicySet } from './policy';
import type { SlaCompletion, SlaFiring, SlaState, TimerKey, TimerSpec } from './sla-state';

export interface PolicyChangeResult {
  state: SlaState | undefined;
  schedule: TimerSpec[];
  cancel: TimerKey[];
  firings: SlaFiring[];
  completions: SlaCompletion[];
}

/**
 * Applies a reloaded policy file to one conversation as a policy change at instant `at` (docs/contract.md
 * SLA semantics): thresholds of the old policies due at or before `at` fire first, then the first matching
 * policy of `next` is chosen and every clock is re-planned by the same rules as a mid-conversation
 * change (time used kept, fired fractions never again, thresholds put in the past fire with their
 * instant). A resolved conversation takes the change when it reopens. Applying the same file twice
 * changes nothing more, so instances that all reload converge without double firing. `at` should
 * not be ahead of what was consumed for the conversation (the partition's watermark).
 */
export function reloadPolicies(conversationId: string, prev: SlaState | undefined, at: number, next: PolicySet, previous: PolicySet): PolicyChangeResult {
  if (!prev || prev.st === 'c') return { state: prev, schedule: [], cancel: [], firings: [], completions: [] };
  const beforePolicy = policyOf(prev, previous);
  const state = clone(prev);
  const ctx = new Ctx(conversationId, state, previous);
  ctx.fireAllDue(at);
  ctx.switchSet(next, at);
  ctx.fireAllDue(at);
  const { schedule, cancel } = diffTimers(conversationId, prev, beforePolicy, state, ctx.policy);
  return { state, schedule, cancel, firings: ctx.firings, completions: ctx.completions };
}
