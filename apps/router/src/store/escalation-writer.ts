import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type Redis from 'ioredis';
import type { ChainableCommander } from 'ioredis';
import { REDIS } from '@cx/redis';
import { EventPublisher, type OutEvent } from '@cx/kafka';
import { defineRouterScripts } from './redis-scripts';
import { RouterKeys } from '../router-keys';
import { RouterMetrics } from '../router-metrics';
import { SseHub, type FanoutMessage } from '../live/sse.hub';
import { claimDue } from './timer-queue';

export const WRITER_POOL_SIZE = Symbol('WRITER_POOL_SIZE');

export interface CommitPlan<T> {
  /** The writes, queued on the transaction (runs only if no watched key changed). */
  apply?: (multi: ChainableCommander) => void;
  /** Kafka events of the change: kept in the outbox in the same transaction, then published. */
  events?: OutEvent[];
  /** What live dashboards are told once it is committed. */
  changes?: FanoutMessage[];
  /** Called once the transaction committed (e.g. to keep in-memory load counts of the plan). */
  committed?: () => void;
  /** Called when this plan's transaction did not commit (a conflict re-plans; an error gives up). */
  abandoned?: () => void;
  result: T;
}

export class WriteConflictError extends Error {}

const MAX_ATTEMPTS = 10;
/** An outbox entry this old was left by a crash (or a Kafka outage) between commit and publish. */
const OUTBOX_GRACE_MS = 5_000;
/** At most this many outbox entries (one batch's events each) in one Kafka request. */
const PUBLISH_ENTRIES_MAX = 100;

/**
 * The one way escalation state changes (inbox, ladder, ack/resolve): optimistic concurrency with
 * WATCH on the escalation keys, so the consumer and an acknowledgement never overwrite each other
 * (the loser re-reads and re-applies). The Kafka events go into a Redis outbox in the same
 * transaction and are published right after; a crash in between leaves them to `drainOutbox`.
 * WATCH is per connection, so each commit borrows a dedicated connection from a small pool.
 */
@Injectable()
export class EscalationWriter implements OnApplicationShutdown {
  private readonly log = new Logger('EscalationWriter');
  private readonly idle: Redis[] = [];
  private readonly waiting: ((r: Redis) => void)[] = [];
  private readonly all: Redis[] = [];
  private chain: Promise<void> = Promise.resolve();
  private pending = 0;
  /** Outbox entries committed and waiting for the background publisher, oldest first. */
  private queued: string[] = [];

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(WRITER_POOL_SIZE) private readonly poolSize: number,
    private readonly keys: RouterKeys,
    private readonly publisher: EventPublisher,
    private readonly hub: SseHub,
    private readonly metrics: RouterMetrics,
  ) {}

  private acquire(): Promise<Redis> {
    const free = this.idle.pop();
    if (free) return Promise.resolve(free);
    if (this.all.length < this.poolSize) {
      const c = this.redis.duplicate();
      defineRouterScripts(c);
      this.all.push(c);
      return Promise.resolve(c);
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(c: Redis): void {
    const next = this.waiting.shift();
    if (next) next(c);
    else this.idle.push(c);
  }

  /**
   * Runs `plan` (which reads what it needs) after WATCHing `watch`, then commits its writes and
   * outbox entry atomically; on a conflict, plans again from fresh reads.
   */
  async commit<T>(op: string, watch: string[], plan: () => Promise<CommitPlan<T>>, opts: { background?: boolean } = {}): Promise<T> {
    const conn = await this.acquire();
    let done: CommitPlan<T> | undefined;
    let entry: string | undefined;
    try {
      for (let attempt = 1; !done; attempt++) {
        if (watch.length) await conn.watch(...watch);
        const p = await plan();
        let replies: Awaited<ReturnType<ChainableCommander['exec']>>;
        try {
          const multi = conn.multi();
          p.apply?.(multi);
          // Dashboards hear of it at the commit itself (PUBLISH runs at EXEC, and not at all if it aborts).
          this.hub.publishIn(multi, p.changes ?? []);
          entry = p.events?.length ? JSON.stringify({ id: randomUUID(), events: p.events }) : undefined;
          if (entry) multi.zadd(this.keys.outbox, Date.now(), entry);
          replies = await multi.exec();
          const failed = replies?.find(([err]) => err);
          if (failed) throw new Error(`${op}: redis transaction failed: ${failed[0]!.message}`);
        } catch (e) {
          p.abandoned?.();
          throw e;
        }
        if (replies === null) {
          p.abandoned?.();
          this.metrics.writeConflicts.inc({ op });
          if (attempt >= MAX_ATTEMPTS) throw new WriteConflictError(`${op}: still conflicting after ${attempt} attempts`);
          continue;
        }
        p.committed?.();
        done = p;
      }
    } catch (e) {
      await conn.unwatch().catch(() => undefined);
      throw e;
    } finally {
      this.release(conn);
    }
    this.count(done);
    // Dashboards were told by the transaction itself; now Kafka. A failed publish stays in the outbox.
    if (entry) {
      if (opts.background) await this.publishInBackground(entry);
      else await this.publishEntry(entry);
    }
    return done.result;
  }

  /**
   * Publishes on a serial chain without making the caller wait (the consumer goes on with its next
   * batch; the outbox covers a crash), keeping the order of commits. Entries that queued up while
   * a publish was under way go out together: one Kafka request and one outbox removal for all of
   * them, instead of one each per batch. When Kafka falls behind by more than a few hundred
   * entries, the caller waits after all: back-pressure, not memory growth.
   */
  private async publishInBackground(entry: string): Promise<void> {
    this.pending++;
    this.queued.push(entry);
    if (this.queued.length === 1) this.chain = this.chain.then(() => this.publishQueued());
    if (this.pending > 200) await this.chain;
  }

  private async publishQueued(): Promise<void> {
    const entries = this.queued.splice(0, PUBLISH_ENTRIES_MAX);
    if (this.queued.length > 0) this.chain = this.chain.then(() => this.publishQueued());
    try {
      await this.publishEntries(entries);
    } finally {
      this.pending -= entries.length;
    }
  }

  /** Metrics of what was committed (here, not while planning, so a conflict retry counts once). */
  private count(done: CommitPlan<unknown>): void {
    for (const c of done.changes ?? []) {
      this.metrics.escalations.inc({ change: c.change, severity: c.escalation.severity });
      if (c.change === 'escalated') this.metrics.ladderSteps.inc({ to: c.escalation.assignee?.kind ?? 'team', severity: c.escalation.severity });
      // The denominator of the supervisor-reported false-alarm rate (cx_router_feedback_total).
      if (c.change === 'raised' && c.escalation.reasons.some((r) => r.code === 'negative_emotion' || r.code === 'negative_streak')) {
        this.metrics.emotionFlags.inc({ tenant: this.metrics.tenant(c.escalation.tenantId) });
      }
    }
    for (const e of done.events ?? []) {
      if (e.event.type !== 'cx.notification.sent.v1') continue;
      const d = (e.event as unknown as { data: { channel: string; outcome: string } }).data;
      this.metrics.notifications.inc({ channel: d.channel, outcome: d.outcome });
    }
  }

  private publishEntry(entry: string): Promise<void> {
    return this.publishEntries([entry]);
  }

  /** Publishes the entries' events in order (one request), then removes the entries from the outbox. */
  private async publishEntries(entries: string[]): Promise<void> {
    if (entries.length === 0) return;
    try {
      await this.publisher.publish(entries.flatMap((entry) => (JSON.parse(entry) as { events: OutEvent[] }).events));
      await this.redis.zrem(this.keys.outbox, ...entries);
    } catch (e) {
      this.log.warn(`publishing committed events failed, left in the outbox for a retry: ${(e as Error).message}`);
    }
  }

  /** Publishes outbox entries left behind by a crash or a Kafka outage (same event ids again). */
  async drainOutbox(now = Date.now()): Promise<number> {
    const claimed = await claimDue(this.redis, this.keys.outbox, now - OUTBOX_GRACE_MS, now + 30_000, 50);
    for (const c of claimed) await this.publishEntry(c.member);
    return claimed.length;
  }

  async onApplicationShutdown(): Promise<void> {
    while (this.pending > 0) await this.chain;
    await Promise.all(this.all.map((c) => c.quit().catch(() => c.disconnect())));
  }
}
