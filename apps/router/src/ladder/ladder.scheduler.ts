import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type Redis from 'ioredis';
import { REDIS } from '@cx/redis';
import { ackTimeoutMs, ladderNext, toIso } from '@cx/routing';
import { AgentDirectory } from '../store/agent-directory';
import { BackgroundLoop } from '../background-loop';
import { EscalationStore, loadChanges, timerRef, type ConvRef, type StoredEscalation } from '../store/escalation.store';
import { lifecycleEvent } from '../store/escalation-events';
import { EscalationWriter, type CommitPlan } from '../store/escalation-writer';
import { ROUTER_STATE_TTL } from '../inbox/inbox.pipeline';
import { RouterKeys } from '../router-keys';
import { RoutingEffects } from '../delivery/routing-effects';
import { TenantRoutingConfig } from '../config/routing-config.provider';
import { claimDue } from '../store/timer-queue';
import { WebhookQueue } from '../delivery/webhook-queue';

export const SCHEDULER_TICK_MS = Symbol('SCHEDULER_TICK_MS');
const BATCH = 100;
/** A claimed timer is left alone this long; a claimer that died loses it to another instance after. */
const LEASE_MS = 30_000;

/**
 * The escalation ladder's clock. Timers live in one Redis sorted set (member = tenant and
 * conversation, score = when to check); every instance claims due ones with a Lua script, so
 * each is worked on by one instance, and the step itself commits under WATCH, so it happens once
 * even when a lease ran out or a request re-scheduled the timer meanwhile. A step's time is its
 * due time (not when the loop noticed), which keeps the output deterministic. The same loop
 * publishes outbox entries a crash left behind.
 */
@Injectable()
export class LadderScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly loop: BackgroundLoop;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly keys: RouterKeys,
    private readonly store: EscalationStore,
    private readonly writer: EscalationWriter,
    private readonly directory: AgentDirectory,
    private readonly queue: WebhookQueue,
    private readonly config: TenantRoutingConfig,
    @Inject(ROUTER_STATE_TTL) private readonly ttl: number,
    @Inject(SCHEDULER_TICK_MS) tickMs: number,
  ) {
    this.loop = new BackgroundLoop('ladder scheduler', tickMs, () => this.tick());
  }

  onApplicationBootstrap(): void {
    this.loop.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.loop.stop();
  }

  /** One pass: claims due timers and steps them; true when there may be more due right now. */
  async tick(now = Date.now()): Promise<boolean> {
    const claimed = await claimDue(this.redis, this.keys.ladderTimers, now, now + LEASE_MS, BATCH);
    await Promise.all(claimed.map(async (c) => {
      const ref = timerRef(c.member);
      if (!ref) return void (await this.redis.zrem(this.keys.ladderTimers, c.member));
      await this.step(ref);
    }));
    await this.writer.drainOutbox(now);
    return claimed.length === BATCH;
  }

  /** Checks one conversation's escalation and moves it up the ladder when its step timed out. */
  async step(ref: ConvRef): Promise<void> {
    const key = this.store.convKey(ref.tenant, ref.conversationId);
    await this.writer.commit('ladder', [key], async (): Promise<CommitPlan<void>> => {
      const e = await this.store.byConversation(ref);
      const member = { tenantId: ref.tenant, conversationId: ref.conversationId };
      const unschedule = (at: number | null): CommitPlan<void> => ({ result: undefined, apply: (m) => this.store.schedule(m, member, at) });
      if (!e || e.status !== 'open' || e.assignee?.kind === 'team') return unschedule(null);
      const cfg = this.config.forTenant(ref.tenant);
      const stepStart = Date.parse(e.ladderAt ?? e.createdAt);
      const due = stepStart + ackTimeoutMs(cfg, e.severity);
      if (Date.now() < due) return unschedule(due);
      const agents = await this.directory.withLoad(ref.tenant);
      const l = ladderNext(e, agents, cfg, due, { stepStartedAt: stepStart });
      if (!l.stepped) return unschedule(l.nextCheckAt ? Date.parse(l.nextCheckAt) : null);
      const next: StoredEscalation = { ...l.escalation, tenantId: ref.tenant, ladderAt: toIso(due) };
      const effects = new RoutingEffects(this.queue);
      effects.add(next, l.notifications);
      const loads = this.directory.reserve(ref.tenant).addAll(loadChanges(e, next));
      return {
        result: undefined,
        committed: () => loads.commit(),
        abandoned: () => loads.cancel(),
        events: [lifecycleEvent('escalated', next), ...effects.events],
        changes: [{ change: 'escalated', escalation: next, previousAssignee: e.assignee }],
        apply: (m) => {
          this.store.save(m, next, e, this.ttl);
          this.store.schedule(m, next, l.nextCheckAt ? Date.parse(l.nextCheckAt) : null);
          effects.apply(m);
        },
      };
    });
  }
}
