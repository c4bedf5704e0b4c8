import type { Agent, Escalation } from '@cx/contracts';
import { ackTimeoutMs, type RoutingConfig } from './config';
import { atLeast } from './severity';
import { languageMatches } from './teams';
import { toIso, toMs } from './merge';
import { AgentIndex, compareLoadThenId, type AgentWithLoad } from './agent-index';

export type { AgentWithLoad };
export type Assignee = NonNullable<Escalation['assignee']>;
/**
 * The directory routing decides on: a plain list (scanned), or an `AgentIndex` (by team, agents
 * sorted by load), which gives the same answers without a scan per escalation.
 */
export type Agents = readonly AgentWithLoad[] | AgentIndex;

export interface PickOptions {
  /** Agent ids not to pick (e.g. the ones the ladder already tried). */
  exclude?: readonly string[];
}

export function teamOf(escalation: Pick<Escalation, 'target'>, config: RoutingConfig): string {
  return escalation.target.team ?? config.teams.default;
}

/** Least loaded first, then by agent id (code-unit order: stable everywhere, and cheap). */
const byLoadThenId = compareLoadThenId;

/** The members of a team (any role and status). */
function teamMembers(agents: Agents, team: string): readonly AgentWithLoad[] {
  return agents instanceof AgentIndex ? agents.team(team) : agents.filter((a) => a.teams.includes(team));
}

function speaks(agent: Agent, language: string | undefined): boolean {
  return language === undefined || agent.languages.some((l) => languageMatches(language, l));
}

/**
 * The least-loaded available agent of the team who speaks the language and has every required
 * skill and spare capacity (load < maxConcurrent); ties go to the lower agent id.
 */
export function pickAgent(escalation: Pick<Escalation, 'target'>, agents: Agents, config: RoutingConfig,
  opts: PickOptions = {}): AgentWithLoad | undefined {
  const team = teamOf(escalation, config);
  const { language, skills } = escalation.target;
  if (agents instanceof AgentIndex) {
    // The team's available agents, least loaded first: the first acceptable one is the answer.
    return agents.pickAgent(team, (a) => speaks(a, language) && skills.every((s) => a.skills.includes(s))
      && !opts.exclude?.includes(a.agentId));
  }
  // One pass, no sort: this runs for every new escalation over the whole directory.
  let best: AgentWithLoad | undefined;
  // Cheap tests first, and agents that could not beat the best so far are skipped before the
  // language and skill checks.
  for (const a of agents) {
    if (a.role !== 'agent' || a.status !== 'available' || a.load >= a.maxConcurrent) continue;
    if (best && byLoadThenId(a, best) >= 0) continue;
    if (!a.teams.includes(team) || !speaks(a, language) || !skills.every((s) => a.skills.includes(s))
      || opts.exclude?.includes(a.agentId)) continue;
    best = a;
  }
  return best;
}

/** Supervisors of the team who are not offline, best first: available, speaks the language, least loaded. */
export function teamSupervisors(escalation: Pick<Escalation, 'target'>, agents: Agents,
  config: RoutingConfig): AgentWithLoad[] {
  const team = teamOf(escalation, config);
  const { language } = escalation.target;
  const rank = (a: AgentWithLoad) => (a.status === 'available' ? 0 : 2) + (speaks(a, language) ? 0 : 1);
  return teamMembers(agents, team)
    .filter((a) => a.role === 'supervisor' && a.status !== 'offline')
    .sort((a, b) => rank(a) - rank(b) || byLoadThenId(a, b));
}

/**
 * Who gets the escalation:
 * - critical: the team's best supervisor (never an agent);
 * - otherwise the least-loaded matching available agent (`pickAgent`), else the team's supervisor;
 * - nobody reachable: the team itself (`{kind: 'team'}`: all its supervisors and its webhook).
 */
export function pickTarget(escalation: Pick<Escalation, 'target' | 'severity'>, agents: Agents,
  config: RoutingConfig, opts: PickOptions = {}): Assignee {
  if (escalation.severity !== 'critical') {
    const agent = pickAgent(escalation, agents, config, opts);
    if (agent) return { kind: 'agent', id: agent.agentId };
  }
  const sup = teamSupervisors(escalation, agents, config).find((a) => !opts.exclude?.includes(a.agentId));
  if (sup) return { kind: 'supervisor', id: sup.agentId };
  return { kind: 'team', id: teamOf(escalation, config) };
}

/** One delivery to make; the router sends it and records the outcome as `cx.notification.sent.v1`. */
export interface RoutingNotification {
  channel: 'sse' | 'webhook';
  /** Agent id for `sse`; `webhook:<team>` for `webhook` (safe to log and publish). */
  recipient: string;
  step: number;
  /** The webhook URL (`webhook` only). A secret: never log or publish it. */
  url?: string;
}

/**
 * The deliveries for the escalation's current assignee: the agent or supervisor by SSE; for a
 * team, every supervisor of the team who is not offline (all of them if everybody is offline);
 * plus the team's webhook when one is configured and the severity reaches its minimum.
 */
export function notificationsFor(escalation: Escalation, agents: Agents,
  config: RoutingConfig): RoutingNotification[] {
  const step = escalation.ladderStep;
  const team = teamOf(escalation, config);
  const out: RoutingNotification[] = [];
  const a = escalation.assignee;
  if (a && a.kind !== 'team') {
    out.push({ channel: 'sse', recipient: a.id, step });
  } else if (a) {
    let sups = teamSupervisors(escalation, agents, config);
    if (sups.length === 0) {
      sups = teamMembers(agents, team).filter((x) => x.role === 'supervisor').sort(byLoadThenId);
    }
    for (const s of sups) out.push({ channel: 'sse', recipient: s.agentId, step });
  }
  const settings = config.teams.settings[team];
  if (settings?.webhookUrl && atLeast(escalation.severity, settings.webhookMinSeverity)) {
    out.push({ channel: 'webhook', recipient: `webhook:${team}`, step, url: settings.webhookUrl });
  }
  return out;
}

export interface LadderResult {
  /** The escalation after this call (the same object when nothing happened). */
  escalation: Escalation;
  /** True when it was routed or moved up the ladder: store it, emit `escalated`/notifications. */
  stepped: boolean;
  notifications: RoutingNotification[];
  /** When to call `ladderNext` again (RFC 3339), or null: acknowledged, resolved or at the end of the ladder. */
  nextCheckAt: string | null;
}

export interface LadderOptions {
  /**
   * When the current step began (the router's record of the last routing). Without it a step is
   * taken to begin at `createdAt + ladderStep × timeout(severity)`, which needs no extra state but
   * lets a router that was down for long climb several steps in a row.
   */
  stepStartedAt?: Date | string | number;
}

/**
 * The escalation ladder. Call it once when an escalation is raised (it has no assignee yet: this
 * routes it, step 0) and again at `nextCheckAt`. Each step waits `ackTimeouts[severity]` for an
 * acknowledgement; then the escalation moves on:
 *   agent → another matching agent (up to `ladder.agentSteps` agents in all) → the team's
 *   supervisor → all supervisors of the team (the end: no further check).
 * A critical escalation held by an agent moves to a supervisor at once. Nothing happens once it
 * is acknowledged or resolved.
 */
export function ladderNext(escalation: Escalation, agents: Agents, config: RoutingConfig,
  now: Date | string | number, opts: LadderOptions = {}): LadderResult {
  const nowMs = toMs(now);
  const timeout = ackTimeoutMs(config, escalation.severity);
  const idle: LadderResult = { escalation, stepped: false, notifications: [], nextCheckAt: null };
  if (escalation.status !== 'open') return idle;

  const current = escalation.assignee;
  if (!current) {
    const routed: Escalation = { ...escalation, assignee: pickTarget(escalation, agents, config), updatedAt: toIso(nowMs) };
    return {
      escalation: routed,
      stepped: true,
      notifications: notificationsFor(routed, agents, config),
      nextCheckAt: routed.assignee!.kind === 'team' ? null : toIso(nowMs + timeout),
    };
  }
  if (current.kind === 'team') return idle;

  const criticalOnAgent = escalation.severity === 'critical' && current.kind === 'agent';
  const start = opts.stepStartedAt !== undefined
    ? toMs(opts.stepStartedAt)
    : toMs(escalation.createdAt) + escalation.ladderStep * timeout;
  const due = start + timeout;
  if (nowMs < due && !criticalOnAgent) return { ...idle, nextCheckAt: toIso(due) };

  let next: Assignee | undefined;
  if (current.kind === 'agent') {
    if (!criticalOnAgent && escalation.ladderStep + 1 < config.ladder.agentSteps) {
      const agent = pickAgent(escalation, agents, config, { exclude: [current.id] });
      if (agent) next = { kind: 'agent', id: agent.agentId };
    }
    if (!next) {
      const sup = teamSupervisors(escalation, agents, config)[0];
      if (sup) next = { kind: 'supervisor', id: sup.agentId };
    }
  }
  next ??= { kind: 'team', id: teamOf(escalation, config) };

  const stepped: Escalation = { ...escalation, assignee: next, ladderStep: escalation.ladderStep + 1, updatedAt: toIso(nowMs) };
  return {
    escalation: stepped,
    stepped: true,
    notifications: notificationsFor(stepped, agents, config),
    nextCheckAt: next.kind === 'team' ? null : toIso(nowMs + ackTimeoutMs(config, stepped.severity)),
  };
}
