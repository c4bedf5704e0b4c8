import type { Escalation } from '@cx/contracts';

export interface Principal {
  role: 'agent' | 'supervisor' | 'admin';
  tenant: string;
  teams: readonly string[];
  agentId?: string;
}

/**
 * An escalation as the router stores it: the contract's Escalation has no tenant field, so the
 * tenant travels beside it (the `tenantid` of the events it came from).
 */
export type TenantEscalation = Escalation & { tenantId?: string };

/**
 * Who may see an escalation (and act on it, and receive it on the SSE stream):
 * - never across tenants; an escalation whose tenant is unknown is visible to nobody;
 * - admin: everything of the tenant;
 * - supervisor: escalations of their teams, and any routed to them or handled by them;
 * - agent: only what is routed to them (the current assignee) or that they acknowledged/resolved.
 * `tenantId` defaults to `escalation.tenantId`.
 */
export function canSee(principal: Principal, escalation: TenantEscalation,
  tenantId: string | undefined = escalation.tenantId): boolean {
  if (tenantId === undefined || principal.tenant !== tenantId) return false;
  if (principal.role === 'admin') return true;
  const me = principal.agentId;
  const mine = me !== undefined && (
    (escalation.assignee !== undefined && escalation.assignee.kind !== 'team' && escalation.assignee.id === me)
    || escalation.acknowledgedBy === me || escalation.resolvedBy === me);
  if (principal.role === 'agent') return mine;
  const team = escalation.target.team ?? (escalation.assignee?.kind === 'team' ? escalation.assignee.id : undefined);
  return mine || (team !== undefined && principal.teams.includes(team));
}
