/*
 * The escalation ladder's clock. Timers live in each shard's lease queue (member = tenant and
 * conversation, score = when to check); every instance claims due ones, so each is worked on by one
 * instance at a time, and the step commits guarded by the escalation it was decided on, so it
 * happens once even when a lease ran out or a request changed the escalation meanwhile (the
 * timer is then looked at again shortly).
 */
import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { claimDueAll, REDIS, type Claimed, type RedisClient } from '@cx/redis';
import { Committer, LoopRunner, type Change } from '@cx/runtime';
import { ATTR_TENANT, startWork, type WorkSpan } from '@cx/tracing';
import { TenantRoutingConfig } from '../config/routing-config.provider';
import { routingEffects } from '../delivery/routing-effects';
import { WebhookQueue } from '../delivery/webhook-queue';
import { ROUTER_STATE_TTL } from '../inbox/inbox.handler';
import { RouterKeys } from '../router-keys';
import { AgentDirectory } from '../store/agent-directory';
import { ChangeFeed } from '../store/change-feed';
import { ConversationChange } from '../store/escalation-change';
import { lifecycleEvent } from '../store/escalation-events';
import { EscalationStore, timerRef } from '../store/escalation.store';
import { ROUTER_CLOCK, type Clock } from '../router-clock';
import { ladderStep } from './ladder-step';

export const SCHEDULER_TICK_MS = Symbol('SCHEDULER_TICK_MS');
const BATCH = 100;
/** A claimed timer is left alone this long; a claimer that died loses it to another instance after. */
const LEASE_MS = 30_000;
const RETRY_MS = 25;

@Injectable()
export class LadderScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly loop: LoopRunner;

  constructor(
    @Inject(REDIS) private readonly redis: RedisClient,
    private readonly keys: RouterKeys,
    private readonly store: EscalationStore,
    private readonly committer: Committer,
    private readonly directory: AgentDirectory,
    private readonly queue: WebhookQueue,
    private readonly config: TenantRoutingConfig,
    private readonly feed: ChangeFeed,
    @Inject(ROUTER_STATE_TTL) private readonly ttl: number,
    @Inject(SCHEDULER_TICK_MS) tickMs: number,
    @Inject(ROUTER_CLOCK) private readonly clock: Clock,
  ) {
    this.loop = new LoopRunner('ladder scheduler', tickMs, () => this.tick());
  }

  onApplicationBootstrap(): void {
    this.loop.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.loop.stop();
  }

  /** One pass over every shard; true when some shard may have more due right now. */
  async tick(now = this.clock()): Promise<boolean> {
    const shards = this.keys.space.allShards();
    const claims = await claimDueAll(this.redis, shards.map((s) => this.keys.ladder(s)), now, now + LEASE_MS, BATCH);
    await Promise.all(shards.map((s, i) => (claims[i].length ? this.runShard(s, claims[i], now) : undefined)));
    return claims.some((c) => c.length >= BATCH);
  }

  private async runShard(shard: number, claimed: Claimed[], now: number): Promise<void> {
    const queue = this.keys.ladder(shard);
    const refs = claimed.map((c) => timerRef(c.member));
    const valid = refs.filter((r): r is NonNullable<typeof r> => !!r);
    const reads = await this.store.read(valid);
    await Promise.all([...new Set(valid.map((r) => r.tenant))].map((t) => this.directory.withLoad(t)));
    const changes: Change[] = [];
    const members: string[] = [];
    const spans: WorkSpan[] = [];
    claimed.forEach((c, i) => {
      const ref = refs[i];
      if (!ref) {
        changes.push({ shard, entity: `timer:${c.member}`, commands: [{ name: 'ZREM', keys: [queue], args: [c.member] }] });
        members.push(c.member);
        return;
      }
      const route = this.store.route(ref.tenant, ref.conversationId);
      const read = reads.get(route.key) ?? { raw: null };
      const conv = new ConversationChange(read, this.store, this.feed);
      const cfg = this.config.forTenant(ref.tenant);
      const d = ladderStep(read.escalation, this.directory.current(ref.tenant), cfg, now);
      if (d.kind === 'unschedule') conv.reschedule(null);
      else if (d.kind === 'reschedule') conv.reschedule(d.at);
      else {
        // A step continues the escalation's trace; what it sets off (events, SSE, webhooks) follows the step's span.
        const span = startWork('ladder step', d.next.trace, 'internal', { [ATTR_TENANT]: ref.tenant, 'cx.escalation.id': d.next.escalationId, 'cx.ladder.step': d.next.ladderStep });
        if (span) spans.push(span);
        const next = span ? { ...d.next, trace: span.trace } : d.next;
        const fx = routingEffects(this.queue, next, d.notifications, now);
        conv.step({ after: next, change: 'escalated', events: [lifecycleEvent('escalated', next), ...fx.events], commands: fx.commands, timer: d.nextCheckAt });
      }
      const change = conv.toChange(this.ttl) ?? { ...route, commands: [{ name: 'ZREM', keys: [queue], args: [c.member] }] };
      changes.push(change);
      members.push(c.member);
    });
    const statuses = await this.committer.apply(changes).finally(() => { for (const w of spans) w.end(); });
    statuses.forEach((s, i) => {
      if (s !== 'applied') this.redis.zadd(queue, now + RETRY_MS, members[i]).catch(() => undefined);
    });
  }
}
