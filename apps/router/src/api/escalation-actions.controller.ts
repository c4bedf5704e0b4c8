import { BadRequestException, Controller, NotFoundException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Escalation, FeedbackLabel } from '@cx/contracts';
import type { RouteBody, RouteParams } from '@cx/http';
import {
  ackTimeoutMs, addNote, canSee, durationMs, feedbackLabel, notificationsFor, reassign, reassignTarget, recordFeedback, takeOver, type Principal,
} from '@cx/routing';
import { ApiRoute, RouteInput } from './api-route.decorator';
import { CurrentPrincipal } from './auth.guard';
import { ROUTES } from './routes';
import { AgentDirectory } from '../store/agent-directory';
import { TenantRoutingConfig } from '../config/routing-config.provider';
import { RouterMetrics } from '../router-metrics';
import { publicView, type StoredEscalation } from '../store/escalation.store';
import { actionEvent, actorOf, auditEvent } from './action-events';
import { EscalationActions, type ActionPlan } from './escalation-actions.service';
import { FeedbackStore } from './feedback-store';
import { HistoryStore } from './history-store';

/**
 * The console's actions on one escalation: reassign, take over, add a note, give feedback on the
 * flag, and read one escalation (also from the history once resolved). Each is decided by a pure
 * function of @cx/routing and committed by EscalationActions with its change event on
 * cx.escalations and an audit event naming who did it on cx.notifications.
 */
@Controller()
export class EscalationActionsController {
  constructor(
    private readonly actions: EscalationActions,
    private readonly directory: AgentDirectory,
    private readonly config: TenantRoutingConfig,
    private readonly history: HistoryStore,
    private readonly feedbackStore: FeedbackStore,
    private readonly metrics: RouterMetrics,
  ) {}

  private counted(action: string, who: Principal) {
    return { metric: 'cx_router_console_actions_total', labels: { action, role: who.role } };
  }

  @ApiRoute(ROUTES.getEscalation)
  async one(@CurrentPrincipal() who: Principal, @RouteInput('params') { id: rawId }: RouteParams<typeof ROUTES.getEscalation>): Promise<Escalation> {
    const { id, conversationId } = await this.actions.locate(who, rawId);
    const current = conversationId ? await this.actions.current(who, id, conversationId) : undefined;
    if (current) return this.actions.view(current);
    const past = await this.history.get(who.tenant, id);
    if (past && canSee(who, past, who.tenant)) return past;
    throw new NotFoundException(`escalation ${id} not found`);
  }

  @ApiRoute(ROUTES.reassignEscalation)
  reassign(@CurrentPrincipal() who: Principal, @RouteInput('params') { id }: RouteParams<typeof ROUTES.reassignEscalation>,
    @RouteInput('body') b: RouteBody<typeof ROUTES.reassignEscalation>): Promise<Escalation> {
    const actor = actorOf(who);
    const cfg = this.config.forTenant(who.tenant);
    return this.actions.act(who, id, (current, now): ActionPlan<Escalation> => {
      const agents = this.directory.current(who.tenant);
      const to = reassignTarget(current, b, agents, cfg);
      let e = reassign(current, to, now);
      let noteId: string | undefined;
      if (b.note && e !== current) {
        noteId = randomUUID();
        e = addNote(e, { noteId, text: b.note }, actor, now).escalation;
      }
      const next: StoredEscalation = { ...e, tenantId: current.tenantId, ladderAt: now.toISOString() };
      const at = now.toISOString();
      return {
        next: e === current ? current : next, change: 'reassigned',
        events: [
          actionEvent('reassigned', next, actor, at),
          auditEvent('reassign', next, actor, at, at, { ...(current.assignee ? { from: current.assignee } : {}), to: to.assignee }),
          ...(noteId ? [auditEvent('note', next, actor, at, noteId, { noteId })] : []),
        ],
        notifications: notificationsFor(next, agents, cfg),
        timer: next.assignee?.kind === 'team' ? null : now.getTime() + ackTimeoutMs(cfg, next.severity),
        counts: [this.counted('reassign', who)],
        result: (v) => v,
      };
    });
  }

  @ApiRoute(ROUTES.takeOverEscalation)
  takeOver(@CurrentPrincipal() who: Principal, @RouteInput('params') { id }: RouteParams<typeof ROUTES.takeOverEscalation>,
    @RouteInput('body') b: RouteBody<typeof ROUTES.takeOverEscalation>): Promise<Escalation> {
    const actor = actorOf(who);
    return this.actions.act(who, id, (current, now): ActionPlan<Escalation> => {
      if (!who.agentId) throw new BadRequestException('this key has no agent id to take the escalation over as');
      let e = takeOver(current, actor, now);
      let noteId: string | undefined;
      if (b.note && e !== current) e = addNote(e, { noteId: (noteId = randomUUID()), text: b.note }, actor, now).escalation;
      const next: StoredEscalation = { ...e, tenantId: current.tenantId };
      const at = now.toISOString();
      return {
        next: e === current ? current : next, change: 'taken_over',
        events: [
          actionEvent('taken_over', next, actor, at),
          auditEvent('take_over', next, actor, at, at, { ...(current.assignee ? { from: current.assignee } : {}), to: next.assignee! }),
          ...(noteId ? [auditEvent('note', next, actor, at, noteId, { noteId })] : []),
        ],
        timer: null, // the ladder stops: a supervisor has it
        counts: [this.counted('take_over', who)],
        result: (v) => v,
      };
    });
  }

  @ApiRoute(ROUTES.addNote)
  note(@CurrentPrincipal() who: Principal, @RouteInput('params') { id }: RouteParams<typeof ROUTES.addNote>,
    @RouteInput('body') b: RouteBody<typeof ROUTES.addNote>): Promise<Escalation> {
    const actor = actorOf(who);
    const noteId = randomUUID();
    return this.actions.act(who, id, (current, now): ActionPlan<Escalation> => {
      const { escalation } = addNote(current, { noteId, text: b.text }, actor, now);
      const next: StoredEscalation = { ...escalation, tenantId: current.tenantId };
      return {
        next: escalation === current ? current : next, change: 'noted',
        events: [actionEvent('noted', next, actor, noteId), auditEvent('note', next, actor, now.toISOString(), noteId, { noteId })],
        counts: [this.counted('note', who)],
        result: (v) => v,
      };
    });
  }

  /** The verdict defaults to `not_negative` (the "false alarm" button). */
  @ApiRoute(ROUTES.giveFeedback)
  async feedback(@CurrentPrincipal() who: Principal, @RouteInput('params') { id }: RouteParams<typeof ROUTES.giveFeedback>,
    @RouteInput('body') b: RouteBody<typeof ROUTES.giveFeedback>): Promise<{ escalation: Escalation; label: FeedbackLabel | null }> {
    const verdict = b.reason ?? 'not_negative';
    const actor = actorOf(who);
    const cfg = this.config.forTenant(who.tenant);
    const feedbackId = randomUUID();
    const decide = (current: StoredEscalation, now: Date): ActionPlan<{ escalation: Escalation; label: FeedbackLabel | null }> => {
      const label = feedbackLabel(current, who.tenant, verdict, actor, now, { messageId: b.messageId, note: b.note }) ?? null;
      const next: StoredEscalation = { ...recordFeedback(current, verdict, actor, now, b.note), tenantId: current.tenantId };
      return {
        next, change: 'feedback',
        events: [actionEvent('feedback', next, actor, feedbackId), auditEvent('feedback', next, actor, now.toISOString(), feedbackId, { verdict })],
        commands: next.status === 'resolved' ? [this.history.rewriteCommand(who.tenant, publicView(next))] : [],
        beside: label ? [this.feedbackStore.change(feedbackId, label, durationMs(cfg.retention.feedback), cfg.retention.feedbackLabels)] : [],
        counts: [this.counted('feedback', who), { metric: 'cx_router_feedback_total', labels: { tenant: this.metrics.tenant(who.tenant), verdict } }],
        result: (escalation) => ({ escalation, label }),
      };
    };
    const { id: escId, conversationId } = await this.actions.locate(who, id);
    const live = conversationId ? await this.actions.current(who, escId, conversationId) : undefined;
    if (live) return this.actions.act(who, id, decide);
    const past = await this.actions.actOnHistory(who, escId, decide);
    if (!past) throw new NotFoundException(`escalation ${escId} not found`);
    return past;
  }

}
