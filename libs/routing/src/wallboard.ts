import type { Escalation, Severity } from '@cx/contracts';
import { toMs } from './merge';
import type { AgentWithLoad } from './routing';

/**
 * The console's wallboard: what a supervisor reads at a glance, per team and in total. Pure: the
 * router passes the open escalations the principal may see, those resolved since `since` (the
 * start of the user's day), and the directory with loads.
 *
 * SLA attainment is the sla-monitor's, the figure a contact center is judged by: every clock
 * that ended since `since`, met or breached, whatever reached the router (the caller passes the
 * sla-monitor's counts with the team each belongs to: see SlaAttainmentReader in the router).
 * attainment = met / (met + breached), null when both are 0. `atRisk` is the router's own: SLA
 * clocks of open escalations that warned and have not breached (yet), the ones still to save.
 */
export type SeverityCounts = Record<Severity, number>;

export interface TeamPresence {
  team: string;
  online: number;
  available: number;
  busy: number;
  offline: number;
  /** Open escalations held by the team's online agents and supervisors. */
  load: number;
  /** Sum of maxConcurrent over the team's online members (what they can hold at once). */
  capacity: number;
  agents: { agentId: string; name: string; role: AgentWithLoad['role']; status: AgentWithLoad['status']; load: number; maxConcurrent: number; languages: string[] }[];
}

export interface SlaAttainment {
  met: number;
  breached: number;
  atRisk: number;
  attainment: number | null;
  source: 'sla-monitor';
}

/** Ended SLA clocks of one team and outcome (the sla-monitor's buckets, summed). */
export interface TeamSlaCount {
  team: string;
  outcome: 'met' | 'breached';
  count: number;
}

export interface TeamBoard {
  team: string;
  open: SeverityCounts;
  unacknowledged: number;
  oldestUnacknowledged: { escalationId: string; conversationId: string; severity: Severity; createdAt: string } | null;
  customersAtRisk: number;
  resolved: number;
  sla: SlaAttainment;
  presence: Omit<TeamPresence, 'agents' | 'team'>;
}

export interface Wallboard {
  since: string;
  totals: Omit<TeamBoard, 'team' | 'presence'> & { customersAtRiskList: { customerId: string; escalationId: string; severity: Severity }[] };
  teams: TeamBoard[];
}

const zero = (): SeverityCounts => ({ critical: 0, high: 0, medium: 0, low: 0 });
const teamOf = (e: Escalation) => e.target.team ?? (e.assignee?.kind === 'team' ? e.assignee.id : 'unassigned');
const atRisk = (e: Escalation) => e.reasons.some((r) => r.code === 'customer_at_risk') || e.context.flags.includes('at_risk');

/** Presence per team: who is online and how loaded, agents sorted by status then load. */
export function presenceByTeam(agents: readonly AgentWithLoad[], teams?: readonly string[]): TeamPresence[] {
  const byTeam = new Map<string, TeamPresence>();
  for (const a of agents) {
    for (const team of new Set(a.teams)) {
      if (teams && !teams.includes(team)) continue;
      let p = byTeam.get(team);
      if (!p) byTeam.set(team, (p = { team, online: 0, available: 0, busy: 0, offline: 0, load: 0, capacity: 0, agents: [] }));
      p[a.status]++;
      if (a.status !== 'offline') {
        p.online++;
        p.load += a.load;
        p.capacity += a.maxConcurrent;
      }
      p.agents.push({ agentId: a.agentId, name: a.name, role: a.role, status: a.status, load: a.load, maxConcurrent: a.maxConcurrent, languages: a.languages });
    }
  }
  const rank = { available: 0, busy: 1, offline: 2 } as const;
  for (const p of byTeam.values()) p.agents.sort((x, y) => rank[x.status] - rank[y.status] || x.load - y.load || (x.agentId < y.agentId ? -1 : 1));
  return [...byTeam.values()].sort((a, b) => (a.team < b.team ? -1 : 1));
}

function slaOf(open: Escalation[], ended: readonly TeamSlaCount[], sinceMs: number): SlaAttainment {
  const out: SlaAttainment = { met: 0, breached: 0, atRisk: 0, attainment: null, source: 'sla-monitor' };
  for (const c of ended) out[c.outcome] += c.count;
  // A met taken back by a reopen can fall in a later bucket than the met itself.
  out.met = Math.max(0, out.met);
  for (const e of open) {
    const clocks = new Map<string, boolean>();
    for (const r of e.reasons) {
      if (!r.sla || toMs(r.at) < sinceMs) continue;
      const k = r.sla.metric + '\u0000' + (r.sla.policyId ?? '');
      if (r.code === 'sla_breached') clocks.set(k, true);
      else if (r.code === 'sla_warning' && !clocks.has(k)) clocks.set(k, false);
    }
    for (const breached of clocks.values()) if (!breached) out.atRisk++;
  }
  const judged = out.met + out.breached;
  out.attainment = judged ? out.met / judged : null;
  return out;
}

function board(open: Escalation[], resolved: Escalation[], ended: readonly TeamSlaCount[], sinceMs: number) {
  const counts = zero();
  let oldest: Escalation | undefined;
  const customers = new Map<string, Escalation>();
  for (const e of open) {
    counts[e.severity]++;
    if (e.status === 'open' && (!oldest || toMs(e.createdAt) < toMs(oldest.createdAt))) oldest = e;
    if (atRisk(e)) customers.set(e.context.customerId ?? e.conversationId, e);
  }
  return {
    open: counts,
    unacknowledged: open.filter((e) => e.status === 'open').length,
    oldestUnacknowledged: oldest ? { escalationId: oldest.escalationId, conversationId: oldest.conversationId, severity: oldest.severity, createdAt: oldest.createdAt } : null,
    customersAtRisk: customers.size,
    resolved: resolved.length,
    sla: slaOf(open, ended, sinceMs),
    customers,
  };
}

/**
 * The wallboard over what the caller may see. `teams`: the teams to show rows for (a
 * supervisor's teams; every team with data or agents when undefined).
 */
export function wallboard(input: {
  open: Escalation[]; resolved: Escalation[]; agents: readonly AgentWithLoad[]; since: string; teams?: readonly string[]; sla?: readonly TeamSlaCount[];
}): Wallboard {
  const sinceMs = toMs(input.since);
  const resolved = input.resolved.filter((e) => toMs(e.resolvedAt ?? e.updatedAt) >= sinceMs);
  const presence = new Map(presenceByTeam(input.agents, input.teams).map((p) => [p.team, p]));
  const names = new Set<string>(input.teams ?? [...presence.keys()]);
  const ended = (input.sla ?? []).filter((c) => !input.teams || input.teams.includes(c.team));
  for (const e of [...input.open, ...resolved]) names.add(teamOf(e));
  for (const c of ended) names.add(c.team);
  const teams = [...names].sort().map((team): TeamBoard => {
    const { customers: _c, ...b } = board(input.open.filter((e) => teamOf(e) === team), resolved.filter((e) => teamOf(e) === team), ended.filter((c) => c.team === team), sinceMs);
    const { agents: _a, team: _t, ...p } = presence.get(team) ?? { online: 0, available: 0, busy: 0, offline: 0, load: 0, capacity: 0, agents: [], team };
    return { team, ...b, presence: p };
  });
  const { customers, ...totals } = board(input.open, resolved, ended, sinceMs);
  const sevRank = { critical: 0, high: 1, medium: 2, low: 3 } as const;
  const customersAtRiskList = [...customers.entries()]
    .map(([customerId, e]) => ({ customerId, escalationId: e.escalationId, severity: e.severity }))
    .sort((a, b) => sevRank[a.severity] - sevRank[b.severity] || (a.customerId < b.customerId ? -1 : 1))
    .slice(0, 20);
  return { since: new Date(sinceMs).toISOString(), totals: { ...totals, customersAtRiskList }, teams };
}
