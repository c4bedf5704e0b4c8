/*
 * State changes an API user makes to an escalation (acknowledge, resolve, reassign, take over,
 * note, feedback), through the same committer as everything else: find the conversation within the
 * caller's tenant (another tenant's id is a 404, never a 403), read the escalation, check canSee,
 * let a pure function of @cx/routing decide, and commit the state, the ladder timer, the events
 * (change + audit), the live fan-out and any effect of the same shard together, guarded by the value
 * read: if the inbox or the ladder changed it in between, decide again on the fresh escalation,
 * so neither side's change is lost.
 */
import { BadRequestException, ConflictException, ForbiddenException, HttpException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { z } from 'zod';
import type { Escalation } from '@cx/contracts';
import { ActionError, canSee, durationMs, withLadderOutlook, type Principal, type RoutingNotification } from '@cx/routing';
import { Committer, digestOf, type Change, type Cmd, type Count, type OutEvent } from '@cx/runtime';
import { TenantRoutingConfig } from '../config/routing-config.provider';
import { routingEffects } from '../delivery/routing-effects';
import { WebhookQueue } from '../delivery/webhook-queue';
import { ROUTER_STATE_TTL } from '../inbox/inbox.handler';
import { ROUTER_CLOCK, type Clock } from '../router-clock';
import { AgentDirectory } from '../store/agent-directory';
import { ChangeFeed, type ChangeLabel } from '../store/change-feed';
import { ConversationChange } from '../store/escalation-change';
import { EscalationStore, publicView, type StoredEscalation } from '../store/escalation.store';
import { HistoryStore } from './history-store';
import { parseOr400 } from './validation';

export const EscalationIdParam = z.string().min(1).max(128).regex(/^[A-Za-z0-9_-]+$/, 'must be an escalation id');

const MAX_ATTEMPTS = 10;

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
  /** More writes in the escalation's shard, applied with it (the history record). */
  commands?: Cmd[];
  /** Writes of other shards, applied beside it (a feedback label): each keeps itself idempotent. */
  beside?: Change[];
  /** Metrics, counted once it applied. */
  counts?: Count[];
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

function decided<T>(decide: Decide<T>, current: StoredEscalation, now: Date): ActionPlan<T> {
  try {
    return decide(current, now);
  } catch (e) {
    throw httpError(e);
  }
}

@Injectable()
export class EscalationActions {
  constructor(
    private readonly store: EscalationStore,
    private readonly committer: Committer,
    private readonly feed: ChangeFeed,
    private readonly directory: AgentDirectory,
    private readonly history: HistoryStore,
    private readonly queue: WebhookQueue,
    private readonly config: TenantRoutingConfig,
    @Inject(ROUTER_STATE_TTL) private readonly ttl: number,
    @Inject(ROUTER_CLOCK) private readonly clock: Clock,
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
    const { escalation: e } = await this.store.byConversation({ tenant: who.tenant, conversationId });
    return e && e.escalationId === id && canSee(who, e, e.tenantId) ? e : undefined;
  }

  async act<T>(who: Principal, rawId: string, decide: Decide<T>): Promise<T> {
    const { id, conversationId } = await this.locate(who, rawId);
    const notFound = () => new NotFoundException(`escalation ${id} not found`);
    if (!conversationId) throw notFound();
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const read = await this.store.byConversation({ tenant: who.tenant, conversationId });
      const current = read.escalation;
      if (!current || current.escalationId !== id || !canSee(who, current, current.tenantId)) throw notFound();
      // Routing needs the directory for reassignments; read it before deciding (usually in memory).
      await this.directory.withLoad(who.tenant);
      const plan = decided(decide, current, new Date(this.clock()));
      if (plan.next === current) return plan.result(this.view(current));
      const next = plan.next;
      const fx = plan.notifications ? routingEffects(this.queue, next, plan.notifications, this.clock()) : { events: [], commands: [] };
      const conv = new ConversationChange(read, this.store, this.feed);
      conv.step({ after: next, change: plan.change, events: [...plan.events, ...fx.events], commands: [...fx.commands, ...(plan.commands ?? [])], timer: plan.timer });
      const change = conv.toChange(this.ttl)!;
      const [status] = await this.committer.apply([{ ...change, counts: [...(change.counts ?? []), ...(plan.counts ?? [])] }, ...(plan.beside ?? [])]);
      if (status === 'applied') return plan.result(this.view(next));
    }
    throw new ConflictException(`escalation ${id} kept changing; try again`);
  }

  /**
   * An action on a resolved escalation that only the history still holds (a newer escalation of
   * the conversation replaced it): the same commit, guarded by the history record instead.
   */
  async actOnHistory<T>(who: Principal, id: string, decide: Decide<T>): Promise<T | undefined> {
    const tenant = who.tenant;
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const read = await this.history.read(tenant, id);
      const stored: StoredEscalation | undefined = read.escalation ? { ...read.escalation, tenantId: tenant } : undefined;
      if (!stored || !canSee(who, stored, tenant)) return undefined;
      const plan = decided(decide, stored, new Date(this.clock()));
      if (plan.next === stored) return plan.result(publicView(stored));
      const key = this.history.recordKey(tenant, id);
      const [status] = await this.committer.apply([{
        shard: this.store.route(tenant, stored.conversationId).shard, entity: `hist:${tenant}:${id}`,
        guards: [{ key, digest: digestOf(read.raw) }], commands: [this.history.rewriteCommand(tenant, publicView(plan.next))],
        events: plan.events, counts: plan.counts,
      }, ...(plan.beside ?? [])]);
      if (status === 'applied') return plan.result(publicView(plan.next));
    }
    throw new ConflictException(`escalation ${id} kept changing; try again`);
  }

  /** Acknowledge or resolve: the state changes, the ladder stops; a resolve goes into the history. */
  transition(who: Principal, id: string, change: 'acknowledged' | 'resolved', update: (e: StoredEscalation, by: string, now: Date) => Escalation,
    events: (next: StoredEscalation) => OutEvent[]): Promise<Escalation> {
    return this.act(who, id, (current, now) => {
      const e = update(current, who.agentId ?? who.role, now);
      if (e === current || e.status === current.status) return { next: current, change, events: [], result: (v) => v };
      const next: StoredEscalation = { ...current, ...e, tenantId: current.tenantId };
      const retentionMs = durationMs(this.config.forTenant(who.tenant).retention.history);
      return {
        next, change, events: events(next), timer: null,
        commands: next.status === 'resolved' ? this.history.writeCommands(who.tenant, publicView(next), retentionMs, now.getTime()) : [],
        counts: [{ metric: 'cx_router_console_actions_total', labels: { action: change === 'acknowledged' ? 'acknowledge' : 'resolve', role: who.role } }],
        result: (v) => v,
      };
    });
  }
}
