import { Controller, Get, Inject, NotFoundException, Param, Post, Query, Res, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import { z } from 'zod';
import type { Escalation } from '@cx/contracts';
import { acknowledge, canSee, resolve, type Principal } from '@cx/routing';
import { EventPublisher } from '@cx/kafka';
import { AuthGuard, CurrentPrincipal } from './auth.guard';
import { EscalationStore, type StoredEscalation } from './escalation.store';
import { lifecycleEvent } from './escalation-events';
import { SseHub, withoutTenant, type ChangeKind } from './sse.hub';
import { ROUTER_STATE_TTL } from './inbox.pipeline';
import { parseOr400 } from './validation';

const ListQuery = z.object({ status: z.enum(['open', 'acknowledged', 'all']).default('open'), team: z.string().optional() });
const IdParam = z.string().min(1).max(128).regex(/^[A-Za-z0-9_-]+$/, 'must be an escalation id');

@Controller('api')
@UseGuards(AuthGuard)
export class EscalationsController {
  constructor(
    private readonly store: EscalationStore,
    private readonly hub: SseHub,
    private readonly publisher: EventPublisher,
    @Inject(ROUTER_STATE_TTL) private readonly ttl: number,
  ) {}

  @Get('escalations')
  async list(@CurrentPrincipal() who: Principal, @Query() query: unknown) {
    const q = parseOr400(ListQuery, query, 'query');
    const open = await this.store.listOpen(who.tenant);
    return open
      .filter((e) => canSee(who, e, e.tenantId))
      .filter((e) => q.status === 'all' || e.status === q.status || (q.status === 'open' && e.status !== 'resolved'))
      .filter((e) => !q.team || e.target.team === q.team)
      .map(withoutTenant);
  }

  @Post('escalations/:id/ack')
  ack(@CurrentPrincipal() who: Principal, @Param('id') id: string) {
    return this.transition(who, id, 'acknowledged', (e, by, now) => acknowledge(e, by, now));
  }

  @Post('escalations/:id/resolve')
  resolve(@CurrentPrincipal() who: Principal, @Param('id') id: string) {
    return this.transition(who, id, 'resolved', (e, by, now) => resolve(e, by, now));
  }

  @Get('stream')
  stream(@CurrentPrincipal() who: Principal, @Res() res: Response): void {
    this.hub.attach(who, res);
  }

  private async transition(who: Principal, rawId: string, kind: ChangeKind,
    apply: (e: Escalation, by: string, now: Date) => Escalation) {
    const id = parseOr400(IdParam, rawId, 'id');
    const current = await this.store.byId(who.tenant, id);
    // Another tenant's escalation, or one this principal may not see, is indistinguishable from none.
    if (!current || !canSee(who, current, current.tenantId)) throw new NotFoundException(`escalation ${id} not found`);
    const next: StoredEscalation = { ...apply(current, who.agentId ?? who.role, new Date()), tenantId: current.tenantId };
    if (next.status === current.status) return withoutTenant(current);
    const event = lifecycleEvent(kind, next);
    if (event) await this.publisher.publish([event]);
    const multi = this.store.multi();
    this.store.save(multi, next, this.ttl);
    await multi.exec();
    this.hub.publish(kind, next);
    return withoutTenant(next);
  }
}
