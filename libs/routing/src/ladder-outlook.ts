import type { Escalation, LadderOutlook } from '@cx/contracts';
import { ackTimeoutMs, type RoutingConfig } from './config';
import { toIso, toMs } from './merge';

/**
 * Who has an escalation until when, and what happens then: the deadline the ladder scheduler
 * works to (the step's start + ackTimeouts[severity], see ladderNext) and the kind of holder the
 * next step goes to. `next: 'agent'` means another matching agent of the team when one is free,
 * else the supervisor (ladderNext decides at the deadline). Undefined when no deadline runs:
 * acknowledged, resolved, or with the whole team already (the end of the ladder).
 * `stepStartedAt` is the router's record of when the current step began (`ladderAt`).
 */
export function ladderOutlook(e: Pick<Escalation, 'status' | 'severity' | 'assignee' | 'ladderStep' | 'createdAt'>,
  config: RoutingConfig, stepStartedAt?: string): LadderOutlook | undefined {
  if (e.status !== 'open' || !e.assignee || e.assignee.kind === 'team') return undefined;
  const timeout = ackTimeoutMs(config, e.severity);
  const start = stepStartedAt !== undefined ? toMs(stepStartedAt) : toMs(e.createdAt) + e.ladderStep * timeout;
  if (e.assignee.kind === 'supervisor') return { ackDueAt: toIso(start + timeout), next: 'team' };
  // A critical escalation on an agent moves to a supervisor at once (ladderNext).
  if (e.severity === 'critical') return { ackDueAt: toIso(start), next: 'supervisor' };
  return { ackDueAt: toIso(start + timeout), next: e.ladderStep + 1 < config.ladder.agentSteps ? 'agent' : 'supervisor' };
}

/** The escalation as the API and the live stream show it: with its ladder outlook (never stored). */
export function withLadderOutlook<E extends Escalation>(e: E, config: RoutingConfig, stepStartedAt?: string): E {
  const ladder = ladderOutlook(e, config, stepStartedAt);
  if (!ladder) {
    if (e.ladder === undefined) return e;
    const { ladder: _l, ...rest } = e;
    return rest as E;
  }
  return { ...e, ladder };
}
