import {
  BadRequestException, ConflictException, ForbiddenException, HttpException, Inject, Injectable, NotFoundException,
} from '@nestjs/common';
import type { ChainableCommander } from 'ioredis';
import type { Escalation } from '@cx/contracts';
import type { OutEvent } from '@cx/kafka';
import { ActionError, canSee, withLadderOutlook, type Principal, type RoutingNotification } from '@cx/routing';
import { z } from 'zod';
import { AgentDirectory } from '../store/agent-directory';
import { EscalationStore, loadChanges, publicView, type StoredEscalation } from '../store/escalation.store';
import { EscalationWriter, type CommitPlan } from '../store/escalation-writer';
import { ROUTER_STATE_TTL } from '../inbox/inbox.pipeline';
import { RoutingEffects } from '../delivery/routing-effects';
import { WebhookQueue } from '../delivery/webhook-queue';
import { TenantRoutingConfig } from '../config/routing-config.provider';
import type { ChangeLabel } from '../router-metrics';
import { RouterMetrics } from '../router-metrics';
import { HistoryStore } from './history-store';
import { parseOr400 } from './validation';

export const EscalationIdParam = z.string().min(1).max(128).regex(/^[A-Za-z0-9_-]+$/, 'must be an escalation id');

/** What one action does to the escalation it was given (decided by a pure function of @cx/routing). */
export interface ActionPlan<T> {
  /** The escalation after the action; the very object given means nothing changed (nothing is written or sent). */
  next: StoredEscalation;
  change: ChangeLabel;
  /** The change event on cx.escalations and the audit event on cx.notifications. */
  events: OutEvent[];
  /** Deliveries to the new holder (a reassignment). */
  notifications?: RoutingNotification[];
  /** The ladder timer: when to check next (ms), null to stop it, undefined to leave it as it is. */
  timer?: number | null;
  /** More writes of the same transaction (a feedback label, the history record). */
  also?: (multi: ChainableCommander) => void;
  /** Once committed (counting). */
  committed?: () => void;
  result: (view: Escalation) => T;
}

export type Decide<T> = (current: StoredEscalation, now: Date) => ActionPlan<T>;

/** Maps a refusal of the pure action functions to its HTTP status. */
export function httpError(e: unknown): unknown {
  if (!(e instanceof ActionError)) return e;
  const by: Record<ActionError['kind'], new (m: string) => HttpException> = {
    conflict: ConflictException, forbidden: ForbiddenException, invalid: BadRequestException, not_found: NotFoundException,
  };
  return new by[e.kind](e.message);
}

/**
 * The one way the console's actions change an escalation, in the pattern of the ack/resolve
 * transition: find the conversation within the caller's tenant (another tenant's id is a 404,
 * never a 403), then under EscalationWriter.commit (WATCH on the conversation's escalation) read
 * it, check canSee, let a pure function decide, and commit the state, the ladder timer, the load
 * changes, the events (change + audit, via the outbox) and the live fan-out together; a
 * conflicting write by the consumer or the ladder makes it decide again on fresh state.
 */
@Injectable()
export class EscalationActions {
  constructor(
    private readonly store: EscalationStore,
    private readonly writer: EscalationWriter,
    private readonly directory: AgentDirectory,
    private readonly history: HistoryStore,
    private readonly queue: WebhookQueue,
    private readonly config: TenantRoutingConfig,
    private readonly metrics: RouterMetrics,
    @Inject(ROUTER_STATE_TTL) private readonly ttl: number,
  ) {}

  /** The escalation as the API shows it (with its ladder outlook). */
  view(e: StoredEscalation): Escalation {
    return withLadderOutlook(publicView(e), this.config.forTenant(e.tenantId), e.ladderAt);
  }

  async locate(who: Principal, rawId: string): Promise<{ id: string; conversationId: string | undefined }> {
    const id = parseOr400(EscalationIdParam, rawId, 'id');
    return { id, conversationId: await this.store.conversationOf(who.tenant, id) };
  }

  /** The current escalation `id` if `who` may see it (else undefined: replaced by a newer one, or not theirs). */
  async current(who: Principal, id: string, conversationId: string): Promise<StoredEscalation | undefined> {
    const e = await this.store.byConversation({ tenant: who.tenant, conversationId });
    return e && e.escalationId === id && canSee(who, e, e.tenantId) ? e : undefined;
  }

  async act<T>(who: Principal, rawId: string, op: string, decide: Decide<T>): Promise<T> {
    const { id, conversationId } = await this.locate(who, rawId);
    const notFound = () => new NotFoundException(`escalation ${id} not found`);
    if (!conversationId) throw notFound();
    const tenant = who.tenant;
    return this.writer.commit(op, [this.store.convKey(tenant, conversationId)], async (): Promise<CommitPlan<T>> => {
      const current = await this.current(who, id, conversationId);
      if (!current) throw notFound();
      // Routing needs the directory for reassignments; read it before deciding (usually in memory).
      await this.directory.withLoad(tenant);
      let plan: ActionPlan<T>;
      try {
        plan = decide(current, new Date());
      } catch (e) {
        throw httpError(e);
      }
      if (plan.next === current) return { result: plan.result(this.view(current)) };
      const next = plan.next;
      const loads = this.directory.reserve(tenant).addAll(loadChanges(current, next));
      const effects = new RoutingEffects(this.queue);
      if (plan.notifications) effects.add(next, plan.notifications);
      return {
        result: plan.result(this.view(next)),
        committed: () => { loads.commit(); this.metrics.consoleActions.inc({ action: op, role: who.role }); plan.committed?.(); },
        abandoned: () => loads.cancel(),
        events: [...plan.events, ...effects.events],
        changes: [{ change: plan.change, escalation: next, previousAssignee: current.assignee }],
        apply: (m) => {
          this.store.save(m, next, current, this.ttl);
          if (plan.timer !== undefined) this.store.schedule(m, next, plan.timer);
          effects.apply(m);
          plan.also?.(m);
        },
      };
    });
  }

  /**
   * An action on a resolved escalation that only the history still holds (a newer escalation of
   * the conversation replaced it): the same commit, watching the history record instead.
   */
  async actOnHistory<T>(who: Principal, id: string, op: string, decide: Decide<T>): Promise<T | undefined> {
    const tenant = who.tenant;
    const key = this.history.record(tenant, id);
    let missing = false;
    const out = await this.writer.commit(op, [key], async (): Promise<CommitPlan<T | undefined>> => {
      const e = await this.history.get(tenant, id);
      const stored: StoredEscalation | undefined = e ? { ...e, tenantId: tenant } : undefined;
      if (!stored || !canSee(who, stored, tenant)) { missing = true; return { result: undefined }; }
      let plan: ActionPlan<T>;
      try {
        plan = decide(stored, new Date());
      } catch (err) {
        throw httpError(err);
      }
      if (plan.next === stored) return { result: plan.result(publicView(stored)) };
      return {
        result: plan.result(publicView(plan.next)),
        committed: () => { this.metrics.consoleActions.inc({ action: op, role: who.role }); plan.committed?.(); },
        events: plan.events,
        apply: (m) => { this.history.rewrite(m, tenant, publicView(plan.next)); plan.also?.(m); },
      };
    });
    return missing ? undefined : out;
  }
}
