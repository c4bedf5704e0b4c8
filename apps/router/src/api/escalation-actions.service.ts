/*
 * State changes an API user makes to an escalation (acknowledge, resolve, ...), through the same
 * committer as everything else: read the escalation, apply the pure change, commit guarded by the
 * value read; if the inbox or the ladder changed it in between, apply the change again to the
 * fresh escalation, so neither side's change is lost.
 */
import { ConflictException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import type { Escalation } from '@cx/contracts';
import { canSee, type Principal } from '@cx/routing';
import { Committer } from '@cx/runtime';
import { ROUTER_STATE_TTL } from '../inbox/inbox.handler';
import { ROUTER_CLOCK, type Clock } from '../router-clock';
import { ChangeFeed, type ChangeLabel } from '../store/change-feed';
import { ConversationChange } from '../store/escalation-change';
import { lifecycleEvent } from '../store/escalation-events';
import { EscalationStore, publicView, type StoredEscalation } from '../store/escalation.store';

const MAX_ATTEMPTS = 10;

export type EscalationUpdate = (e: StoredEscalation, by: string, now: Date) => Escalation;

@Injectable()
export class EscalationActions {
  constructor(
    private readonly store: EscalationStore,
    private readonly committer: Committer,
    private readonly feed: ChangeFeed,
    @Inject(ROUTER_STATE_TTL) private readonly ttl: number,
    @Inject(ROUTER_CLOCK) private readonly clock: Clock,
  ) {}

  /**
   * Applies `update` to escalation `id` of the principal's tenant. Another tenant's id is simply
   * unknown (404, never 403). Idempotent: a change that changes nothing commits nothing.
   * `timer`: what becomes of the ladder timer (null stops it; undefined leaves it).
   */
  async transition(who: Principal, id: string, change: ChangeLabel, update: EscalationUpdate, timer: number | null | undefined = null): Promise<Escalation> {
    const notFound = () => new NotFoundException(`escalation ${id} not found`);
    const conversationId = await this.store.conversationOf(who.tenant, id);
    if (!conversationId) throw notFound();
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const read = await this.store.byConversation({ tenant: who.tenant, conversationId });
      const current = read.escalation;
      if (!current || current.escalationId !== id || !canSee(who, current, current.tenantId)) throw notFound();
      const next: StoredEscalation = { ...current, ...update(current, who.agentId ?? who.role, new Date(this.clock())), tenantId: current.tenantId };
      if (JSON.stringify(publicView(next)) === JSON.stringify(publicView(current))) return publicView(current);
      const conv = new ConversationChange(read, this.store, this.feed);
      conv.step({ after: next, change, events: [lifecycleEvent(change, next)], timer });
      const [status] = await this.committer.apply([conv.toChange(this.ttl)!]);
      if (status === 'applied') return publicView(next);
    }
    throw new ConflictException(`escalation ${id} kept changing; try again`);
  }
}
