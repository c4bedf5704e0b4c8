import { Controller, Get, HttpCode, Param, Post, Query, Res, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import { z } from 'zod';
import { acknowledge, canSee, resolve, withLadderOutlook, type Principal } from '@cx/routing';
import { TenantRoutingConfig } from '../config/routing-config.provider';
import { lifecycleEvent } from '../store/escalation-events';
import { actorOf, auditEvent } from './action-events';
import { SseHub } from '../live/sse.hub';
import { EscalationStore, publicView } from '../store/escalation.store';
import { AuthGuard, CurrentPrincipal } from './auth.guard';
import { EscalationActions } from './escalation-actions.service';
import { parseOr400 } from './validation';

const ListQuery = z.object({ status: z.enum(['open', 'acknowledged', 'all']).default('open'), team: z.string().max(128).optional() }).strict();
const IdParam = z.string().min(1).max(128).regex(/^[A-Za-z0-9_-]+$/, 'must be an escalation id');

@Controller('api')
@UseGuards(AuthGuard)
export class EscalationsController {
  constructor(
    private readonly store: EscalationStore,
    private readonly actions: EscalationActions,
    private readonly hub: SseHub,
    private readonly config: TenantRoutingConfig,
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
    return this.actions.transition(who, parseOr400(IdParam, id, 'id'), 'acknowledged', (e, by, now) => acknowledge(e, by, now),
      (next) => [lifecycleEvent('acknowledged', next), auditEvent('acknowledge', next, actorOf(who), next.updatedAt, next.updatedAt)]);
  }

  @Post('escalations/:id/resolve')
  @HttpCode(200)
  resolve(@CurrentPrincipal() who: Principal, @Param('id') id: string) {
    return this.actions.transition(who, parseOr400(IdParam, id, 'id'), 'resolved', (e, by, now) => resolve(e, by, now),
      (next) => [lifecycleEvent('resolved', next), auditEvent('resolve', next, actorOf(who), next.updatedAt, next.updatedAt)]);
  }

  @Get('stream')
  stream(@CurrentPrincipal() who: Principal, @Res() res: Response): void {
    this.hub.attach(who, res);
  }
}
