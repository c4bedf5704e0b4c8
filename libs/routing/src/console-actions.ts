import { maskPersonalData, type Actor, type Escalation, type EscalationNote, type FeedbackLabel, type FeedbackVerdict } from '@cx/contracts';
import type { RoutingConfig } from './config';
import { AgentIndex } from './agent-index';
import { toIso } from './merge';
import { pickTarget, teamOf, type Agents, type Assignee } from './routing';

/**
 * What people do with an escalation from the console besides acknowledge and resolve (those are
 * in merge.ts): reassign, take over, add a note, give feedback on the flag. Pure: the escalation
 * in, the escalation out (the same object when nothing changes, so a repeated click is a no-op);
 * a refusal is an ActionError whose kind the API maps to a status code.
 */
export class ActionError extends Error {
  constructor(readonly kind: 'conflict' | 'forbidden' | 'invalid' | 'not_found', message: string) {
    super(message);
  }
}

type Time = Parameters<typeof toIso>[0];

export const MAX_NOTES = 100;
export const MAX_FEEDBACK = 100;

function open(e: Escalation, what: string): void {
  if (e.status === 'resolved') throw new ActionError('conflict', `escalation ${e.escalationId} is resolved: it cannot be ${what}`);
}

export interface ReassignRequest {
  /** An agent or supervisor of the directory. */
  agentId?: string;
  /** A team: the escalation is routed within it (pickTarget), or goes to `agentId` there. */
  team?: string;
}

/**
 * Where a reassignment goes: to the named agent or supervisor (who must be in the directory and
 * not offline), in the named team or else the escalation's team when they belong to it, else
 * their first team; or, with a team only, to whom routing picks in that team (least-loaded
 * matching agent, else its supervisor, else the team itself).
 */
export function reassignTarget(e: Escalation, req: ReassignRequest, agents: Agents, config: RoutingConfig): { assignee: Assignee; team: string } {
  if (!req.agentId && !req.team) throw new ActionError('invalid', 'name an agentId or a team to reassign to');
  if (req.agentId) {
    const agent = agents instanceof AgentIndex ? agents.get(req.agentId) : agents.find((a) => a.agentId === req.agentId);
    if (!agent) throw new ActionError('invalid', `agent ${req.agentId} is not in the directory`);
    if (agent.status === 'offline') throw new ActionError('conflict', `agent ${req.agentId} is offline`);
    const current = teamOf(e, config);
    const team = req.team ?? (agent.teams.includes(current) || agent.teams.length === 0 ? current : agent.teams[0]);
    return { assignee: { kind: agent.role === 'agent' ? 'agent' : 'supervisor', id: agent.agentId }, team };
  }
  const team = req.team!;
  const moved = { ...e, target: { ...e.target, team } };
  return { assignee: pickTarget(moved, agents, config), team };
}

/**
 * Gives the escalation to someone else: the new holder has to acknowledge it (status open, the
 * ladder starts again at step 0 with them); whoever held or acknowledged it before no longer has it.
 * `acknowledgedAt` stays: time to acknowledge counts the first acknowledgement.
 */
export function reassign(e: Escalation, to: { assignee: Assignee; team: string }, now: Time): Escalation {
  open(e, 'reassigned');
  const same = e.assignee?.kind === to.assignee.kind && e.assignee.id === to.assignee.id && e.target.team === to.team;
  if (same && e.status === 'open') return e;
  const { acknowledgedBy: _a, ...rest } = e;
  return { ...rest, status: 'open', assignee: to.assignee, target: { ...e.target, team: to.team }, ladderStep: 0, updatedAt: toIso(now) };
}

/** A supervisor (or admin) takes it over: it is theirs and acknowledged by them, the ladder stops. */
export function takeOver(e: Escalation, actor: Actor, now: Time): Escalation {
  if (actor.role === 'agent') throw new ActionError('forbidden', 'only supervisors and admins can take an escalation over');
  open(e, 'taken over');
  if (e.status === 'acknowledged' && e.assignee?.kind === 'supervisor' && e.assignee.id === actor.id && e.acknowledgedBy === actor.id) return e;
  const at = toIso(now);
  return {
    ...e, status: 'acknowledged', assignee: { kind: 'supervisor', id: actor.id },
    acknowledgedBy: actor.id, acknowledgedAt: e.acknowledgedAt ?? at, updatedAt: at,
  };
}

/** Adds a note; its text is masked like evidence (a note fans out to dashboards and Kafka too). */
export function addNote(e: Escalation, note: { noteId: string; text: string }, actor: Actor, now: Time): { escalation: Escalation; note: EscalationNote } {
  open(e, 'noted');
  const existing = e.notes?.find((n) => n.noteId === note.noteId);
  if (existing) return { escalation: e, note: existing };
  const text = maskPersonalData(note.text.trim()).slice(0, 2000);
  if (!text) throw new ActionError('invalid', 'a note needs text');
  if ((e.notes?.length ?? 0) >= MAX_NOTES) throw new ActionError('conflict', `escalation ${e.escalationId} has ${MAX_NOTES} notes already`);
  const at = toIso(now);
  const stored: EscalationNote = { noteId: note.noteId, by: actor, at, text };
  return { escalation: { ...e, notes: [...(e.notes ?? []), stored], updatedAt: at }, note: stored };
}

/** Records a verdict on the escalation itself (who said what, shown on the card and in the history). */
export function recordFeedback(e: Escalation, verdict: FeedbackVerdict, actor: Actor, now: Time, note?: string): Escalation {
  if ((e.feedback?.length ?? 0) >= MAX_FEEDBACK) throw new ActionError('conflict', `escalation ${e.escalationId} has ${MAX_FEEDBACK} verdicts already`);
  const at = toIso(now);
  const masked = note ? maskPersonalData(note.trim()).slice(0, 2000) : '';
  return { ...e, feedback: [...(e.feedback ?? []), { verdict, by: actor, at, ...(masked ? { note: masked } : {}) }], updatedAt: at };
}

const labelLanguage = (tag: string | null | undefined): 'en' | 'de' | null => {
  const p = tag?.toLowerCase().split(/[-_]/)[0];
  return p === 'en' || p === 'de' ? p : null;
};

/**
 * The label a verdict gives for retraining (docs/contract.md, Emotion detection), or undefined when the escalation
 * carries none of the customer's messages (e.g. raised by the SLA monitor alone; the verdict is
 * still recorded and counted). The message: the one named, else for `not_negative` and
 * `wrong_intent` the newest one the detector flagged, for `missed` the newest one it did not
 * flag (else the newest). `negative` is what the flag should have been.
 */
export function feedbackLabel(e: Escalation, tenant: string, verdict: FeedbackVerdict, actor: Actor, now: Time,
  opts: { messageId?: string; note?: string } = {}): FeedbackLabel | undefined {
  const messages = e.context.lastMessages ?? [];
  let m = opts.messageId ? messages.find((x) => x.messageId === opts.messageId) : undefined;
  if (opts.messageId && !m) throw new ActionError('invalid', `message ${opts.messageId} is not on escalation ${e.escalationId}`);
  const newest = (pred: (x: (typeof messages)[number]) => boolean) => [...messages].reverse().find(pred);
  m ??= (verdict === 'missed' ? newest((x) => x.negative !== true) : newest((x) => x.negative === true)) ?? messages[messages.length - 1];
  if (!m) return undefined;
  const note = opts.note ? maskPersonalData(opts.note.trim()).slice(0, 2000) : '';
  return {
    tenant, escalationId: e.escalationId, conversationId: e.conversationId, messageId: m.messageId,
    text: maskPersonalData(m.text).slice(0, 5000),
    language: labelLanguage(m.language) ?? labelLanguage(e.target.language),
    verdict, negative: verdict !== 'not_negative', by: actor.id, at: toIso(now), ...(note ? { note } : {}),
  };
}
