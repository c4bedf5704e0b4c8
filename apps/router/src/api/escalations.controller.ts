import { Controller, Inject, NotFoundException, Res } from '@nestjs/common';
import type { Response } from 'express';
import type { Escalation } from '@cx/contracts';
import type { RouteParams, RouteQuery } from '@cx/http';
import { acknowledge, canSee, resolve, type Principal } from '@cx/routing';
import { ApiRoute, RouteInput } from './api-route.decorator';
import { CurrentAuth, CurrentPrincipal } from './auth.guard';
import type { Authenticated } from './auth/authenticator';
import { ROUTES } from './routes';
import { AgentDirectory } from '../store/agent-directory';
import { EscalationStore, loadChanges, publicView, type StoredEscalation } from '../store/escalation.store';
import { lifecycleEvent } from '../store/escalation-events';
import { EscalationWriter, type CommitPlan } from '../store/escalation-writer';
import { ROUTER_STATE_TTL } from '../inbox/inbox.pipeline';
import { SseHub } from '../live/sse.hub';

@Controller()
export class EscalationsController {
  constructor(
    private readonly store: EscalationStore,
    private readonly writer: EscalationWriter,
    private readonly hub: SseHub,
    private readonly directory: AgentDirectory,
    @Inject(ROUTER_STATE_TTL) private readonly ttl: number,
  ) {}

  /** Unresolved escalations this key may see: `open` = not resolved, `acknowledged` only those, `all` the same as open. */
  @ApiRoute(ROUTES.listEscalations)
  async list(@CurrentPrincipal() who: Principal, @RouteInput('query') q: RouteQuery<typeof ROUTES.listEscalations>) {
    const open = await this.store.listOpen(who.tenant);
    return open
      .filter((e) => canSee(who, e, e.tenantId))
      .filter((e) => q.status !== 'acknowledged' || e.status === 'acknowledged')
      .filter((e) => !q.team || e.target.team === q.team)
      .map(publicView);
  }

  @ApiRoute(ROUTES.acknowledgeEscalation)
  ack(@CurrentPrincipal() who: Principal, @RouteInput('params') { id }: RouteParams<typeof ROUTES.acknowledgeEscalation>) {
    return this.transition(who, id, 'acknowledged', (e, by, now) => acknowledge(e, by, now));
  }

  @ApiRoute(ROUTES.resolveEscalation)
  resolve(@CurrentPrincipal() who: Principal, @RouteInput('params') { id }: RouteParams<typeof ROUTES.resolveEscalation>) {
    return this.transition(who, id, 'resolved', (e, by, now) => resolve(e, by, now));
  }

  @ApiRoute(ROUTES.stream)
  stream(@CurrentAuth() auth: Authenticated, @RouteInput('query') _q: RouteQuery<typeof ROUTES.stream>, @Res() res: Response): void {
    this.hub.attach(auth.principal, res);
    endWithCredential(auth, res);
  }

  /**
   * Ack/resolve under WATCH on the escalation: if the consumer or the ladder changes it between
   * our read and our write, the transaction aborts and the change is applied again to the fresh
   * state, so neither side's change is lost. Idempotent: acknowledging twice changes nothing.
   */
  private async transition(who: Principal, id: string, change: 'acknowledged' | 'resolved',
    apply: (e: Escalation, by: string, now: Date) => Escalation): Promise<Escalation> {
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
        return {
          result: publicView(next),
          // A resolve frees the holder: routing on this instance counts it at once.
          committed: () => { if (loads.size) this.directory.reserve(ref.tenant).addAll(loads).commit(); },
          events: [lifecycleEvent(change, next)],
          changes: [{ change, escalation: next }],
          apply: (m) => {
            this.store.save(m, next, current, this.ttl);
            this.store.schedule(m, next, null); // the ladder stops
          },
        };
      });
  }
}

/** A stream opened with a signed token must not outlive the token: it ends then, and the client reconnects with a fresh one. */
function endWithCredential(auth: Authenticated, res: Response): void {
  if (auth.expiresAt === undefined) return;
  const timer = setTimeout(() => res.end(), Math.max(0, auth.expiresAt - Date.now()));
  timer.unref();
  res.once('close', () => clearTimeout(timer));
}
