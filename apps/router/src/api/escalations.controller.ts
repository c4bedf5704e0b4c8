/*
 * The escalation list, acknowledge, resolve and the live stream (docs/contract.md, Router API):
 * bound to the route table (routes.ts) and committed through EscalationActions.
 */
import { Controller, Res } from '@nestjs/common';
import type { Response } from 'express';
import type { RouteParams, RouteQuery } from '@cx/http';
import { acknowledge, canSee, resolve, withLadderOutlook, type Principal } from '@cx/routing';
import { TenantRoutingConfig } from '../config/routing-config.provider';
import { SseHub } from '../live/sse.hub';
import { lifecycleEvent } from '../store/escalation-events';
import { EscalationStore, publicView } from '../store/escalation.store';
import { actorOf, auditEvent } from './action-events';
import { ApiRoute, RouteInput } from './api-route.decorator';
import { CurrentAuth, CurrentPrincipal } from './auth.guard';
import type { Authenticated } from './auth/authenticator';
import { EscalationActions } from './escalation-actions.service';
import { ROUTES } from './routes';

@Controller()
export class EscalationsController {
  constructor(
    private readonly store: EscalationStore,
    private readonly actions: EscalationActions,
    private readonly hub: SseHub,
    private readonly config: TenantRoutingConfig,
  ) {}

  /** Unresolved escalations this key may see: `open` = not resolved, `acknowledged` only those, `all` the same as open. */
  @ApiRoute(ROUTES.listEscalations)
  async list(@CurrentPrincipal() who: Principal, @RouteInput('query') q: RouteQuery<typeof ROUTES.listEscalations>) {
    const open = await this.store.listOpen(who.tenant);
    return open
      .filter((e) => canSee(who, e, e.tenantId))
      .filter((e) => q.status !== 'acknowledged' || e.status === 'acknowledged')
      .filter((e) => !q.team || e.target.team === q.team)
      .map((e) => withLadderOutlook(publicView(e), this.config.forTenant(who.tenant), e.ladderAt));
  }

  @ApiRoute(ROUTES.acknowledgeEscalation)
  ack(@CurrentPrincipal() who: Principal, @RouteInput('params') { id }: RouteParams<typeof ROUTES.acknowledgeEscalation>) {
    return this.actions.transition(who, id, 'acknowledged', (e, by, now) => acknowledge(e, by, now),
      (next) => [lifecycleEvent('acknowledged', next), auditEvent('acknowledge', next, actorOf(who), next.updatedAt, next.updatedAt)]);
  }

  @ApiRoute(ROUTES.resolveEscalation)
  resolve(@CurrentPrincipal() who: Principal, @RouteInput('params') { id }: RouteParams<typeof ROUTES.resolveEscalation>) {
    return this.actions.transition(who, id, 'resolved', (e, by, now) => resolve(e, by, now),
      (next) => [lifecycleEvent('resolved', next), auditEvent('resolve', next, actorOf(who), next.updatedAt, next.updatedAt)]);
  }

  @ApiRoute(ROUTES.stream)
  stream(@CurrentAuth() auth: Authenticated, @RouteInput('query') _q: RouteQuery<typeof ROUTES.stream>, @Res() res: Response): void {
    this.hub.attach(auth.principal, res);
    endWithCredential(auth, res);
  }
}

/** A stream opened with a signed token must not outlive the token: it ends then, and the client reconnects with a fresh one. */
function endWithCredential(auth: Authenticated, res: Response): void {
  if (auth.expiresAt === undefined) return;
  const timer = setTimeout(() => res.end(), Math.max(0, auth.expiresAt - Date.now()));
  timer.unref();
  res.once('close', () => clearTimeout(timer));
}
