/*
 * One check of an escalation's ladder timer, as a pure decision: nothing to do (drop the timer),
 * not due yet (re-arm it), or a step up the ladder at the step's due time (not when the loop
 * noticed), which keeps the output deterministic for a replay or a second claimer.
 */
import { ackTimeoutMs, ladderNext, toIso, type AgentIndex, type RoutingConfig } from '@cx/routing';
import type { StoredEscalation } from '../store/escalation.store';

export type LadderDecision =
  | { kind: 'unschedule' }
  | { kind: 'reschedule'; at: number }
  | { kind: 'step'; next: StoredEscalation; notifications: ReturnType<typeof ladderNext>['notifications']; nextCheckAt: number | null };

export function ladderStep(e: StoredEscalation | undefined, agents: AgentIndex, cfg: RoutingConfig, nowMs: number): LadderDecision {
  if (!e || e.status !== 'open' || e.assignee?.kind === 'team') return { kind: 'unschedule' };
  const stepStart = Date.parse(e.ladderAt ?? e.createdAt);
  const due = stepStart + ackTimeoutMs(cfg, e.severity);
  if (nowMs < due) return { kind: 'reschedule', at: due };
  const l = ladderNext(e, agents, cfg, due, { stepStartedAt: stepStart });
  const nextCheckAt = l.nextCheckAt ? Date.parse(l.nextCheckAt) : null;
  if (!l.stepped) return nextCheckAt === null ? { kind: 'unschedule' } : { kind: 'reschedule', at: nextCheckAt };
  return { kind: 'step', next: { ...l.escalation, tenantId: e.tenantId, trace: e.trace, ladderAt: toIso(due) }, notifications: l.notifications, nextCheckAt };
}
