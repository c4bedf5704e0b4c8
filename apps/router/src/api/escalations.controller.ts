import { Controller, Get, HttpCode, Inject, NotFoundException, Param, Post, Query, Res, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import { z } from 'zod';
import type { Escalation } from '@cx/contracts';
import { acknowledge, canSee, durationMs, resolve, withLadderOutlook, type Principal } from '@cx/routing';
import { AuthGuard, CurrentPrincipal } from './auth.guard';
import { AgentDirectory } from '../store/agent-directory';
import { EscalationStore, loadChanges, publicView, type StoredEscalation } from '../store/escalation.store';
import { lifecycleEvent } from '../store/escalation-events';
import { EscalationWriter, type CommitPlan } from '../store/escalation-writer';
import { ROUTER_STATE_TTL } from '../inbox/inbox.pipeline';
import { SseHub } from '../live/sse.hub';
import { parseOr400 } from './validation';
import { TenantRoutingConfig } from '../config/routing-config.provider';
import { RouterMetrics } from '../router-metrics';
import { actorOf, auditEvent } from './action-events';
import { HistoryStore } from './history-store';

const ListQuery = z.object({ status: z.enum(['open', 'acknowledged', 'all']).default('open'), team: z.string().max(128).optional() }).strict();
const IdParam = z.string().min(1).max(128).regex(/^[A-Za-z0-9_-]+$/, 'must be an escalation id');

@Controller('api')
@UseGuards(AuthGuard)
export class EscalationsController {
  constructor(
    private readonly store: EscalationStore,
    private readonly writer: EscalationWriter,
    private readonly hub: SseHub,
    private readonly directory: AgentDirectory,
    @Inject(ROUTER_STATE_TTL) private readonly ttl: number,
    private readonly history: HistoryStore,
    private readonly config: TenantRoutingConfig,
    private readonly metrics: RouterMetrics,
  ) {}

  /** Unresolved escalations this key may see: `open` = not resolved, `acknowledged` only those, `all` the same as open. */
  @Get('escalations')
  async list(@CurrentPrincipal() who: Principal, @Query() query: unknown) {
    const q = parseOr400(ListQuery, query, 'query');
    const open = await this.store.listOpen(who.tenant);
    return open
      .filter((e) => canSee(who, e, e.tenantId))
      .filter((e) => q.status !== 'acknowledged' || e.status === 'acknowledged')
      .filter((e) => !q.team || e.target.team === q.team)
      .map((e) => withLadderOutlook(publicView(e), this.config.forTenant(who.tenant), e.ladderAt));
  }

  @Post('escalations/:id/ack')
  @HttpCode(200)
  ack(@CurrentPrincipal() who: Principal, @Param('id') id: string) {
    return this.transition(who, id, 'acknowledged', (e, by, now) => acknowledge(e, by, now));
  }

  @Post('escalations/:id/resolve')
  @HttpCode(200)
  resolve(@CurrentPrincipal() who: Principal, @Param('id') id: string) {
    return this.transition(who, id, 'resolved', (e, by, now) => resolve(e, by, now));
  }

  @Get('stream')
  stream(@CurrentPrincipal() who: Principal, @Res() res: Response): void {
    this.hub.attach(who, res);
  }

  /**
   * Ack/resolve under WATCH on the escalation: if the consumer or the ladder changes it between
   * our read and our write, the transaction aborts and the change is applied again to the fresh
   * state, so neither side's change is lost. Idempotent: acknowledging twice changes nothing.
   */
  private async transition(who: Principal, rawId: string, change: 'acknowledged' | 'resolved',
    apply: (e: Escalation, by: string, now: Date) => Escalation): Promise<Escalation> {
    const id = parseOr400(IdParam, rawId, 'id');
    // Keys are per tenant: another tenant's escalation id is simply not found (404, never 403).
    const conversationId = await this.store.conversationOf(who.tenant, id);
    const notFound = () => new NotFoundException(`escalation ${id} not found`);
    if (!conversationId) throw notFound();
    const ref = { tenant: who.tenant, conversationId };
    return this.writer.commit(change === 'acknowledged' ? 'ack' : 'resolve', [this.store.convKey(ref.tenant, conversationId)],
      async (): Promise<CommitPlan<Escalation>> => {
        const current = await this.store.byConversation(ref);
        if (!current || current.escalationId !== id || !canSee(who, current, current.tenantId)) throw notFound();
        const next: StoredEscalation = { ...current, ...apply(current, who.agentId ?? who.role, new Date()), tenantId: current.tenantId };
        if (next.status === current.status) return { result: publicView(current) };
        const loads = loadChanges(current, next);
        const action = change === 'acknowledged' ? 'acknowledge' : 'resolve';
        const retention = durationMs(this.config.forTenant(ref.tenant).retention.history);
        return {
          result: publicView(next),
          // A resolve frees the holder: routing on this instance counts it at once.
          committed: () => {
            if (loads.size) this.directory.reserve(ref.tenant).addAll(loads).commit();
            this.metrics.consoleActions.inc({ action, role: who.role });
          },
          events: [lifecycleEvent(change, next), auditEvent(action, next, actorOf(who), next.updatedAt, next.updatedAt)],
          changes: [{ change, escalation: next }],
          apply: (m) => {
            this.store.save(m, next, current, this.ttl);
            this.store.schedule(m, next, null); // the ladder stops
            // The console's history view and export (kept for the tenant's history retention).
            if (next.status === 'resolved') this.history.write(m, ref.tenant, publicView(next), retention);
          },
        };
      });
  }
}
