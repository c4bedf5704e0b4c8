import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import type { ChainableCommander } from 'ioredis';
import { deterministicId } from '@cx/contracts';
import { REDIS } from '@cx/redis';
import type { SlackMessage } from '@cx/routing';
import { RouterKeys } from '../router-keys';
import { claimDue } from '../store/timer-queue';

/** One webhook delivery. The URL is not in it: it is looked up from the routing config at send time. */
export interface WebhookJob {
  id: string;
  tenant: string;
  team: string;
  escalationId: string;
  conversationId: string;
  step: number;
  /** Failed attempts so far. */
  attempts: number;
  payload: SlackMessage;
  lastError?: string;
}

/**
 * The Redis-backed webhook queue: a sorted set of job ids by next attempt time beside a hash of
 * the jobs (same hash tag). Enqueued in the same transaction as the escalation change, so the
 * consumer never waits for an HTTP call and no delivery is lost to a crash.
 */
@Injectable()
export class WebhookQueue {
  constructor(@Inject(REDIS) private readonly redis: Redis, private readonly keys: RouterKeys) {}

  static jobId(tenant: string, escalationId: string, step: number, team: string): string {
    return deterministicId(tenant, escalationId, 'webhook', String(step), team);
  }

  /** Idempotent: the same escalation step for the same team is one job, however often committed. */
  enqueue(multi: ChainableCommander, job: Omit<WebhookJob, 'id' | 'attempts'>, atMs: number): void {
    const id = WebhookQueue.jobId(job.tenant, job.escalationId, job.step, job.team);
    multi.hsetnx(this.keys.webhookJobs, id, JSON.stringify({ ...job, id, attempts: 0 }));
    multi.zadd(this.keys.webhookDue, 'NX', atMs, id);
  }

  /** Claims due jobs for this instance (leased until `leaseUntil`); jobs already gone are skipped. */
  async claim(now: number, leaseUntil: number, limit: number): Promise<WebhookJob[]> {
    const claimed = await claimDue(this.redis, this.keys.webhookDue, now, leaseUntil, limit);
    if (claimed.length === 0) return [];
    const values = await this.redis.hmget(this.keys.webhookJobs, ...claimed.map((c) => c.member));
    const jobs: WebhookJob[] = [];
    const orphans: string[] = [];
    claimed.forEach((c, i) => (values[i] ? jobs.push(JSON.parse(values[i]!)) : orphans.push(c.member)));
    if (orphans.length) await this.redis.zrem(this.keys.webhookDue, ...orphans);
    return jobs;
  }

  async done(job: WebhookJob): Promise<void> {
    await this.redis.multi().zrem(this.keys.webhookDue, job.id).hdel(this.keys.webhookJobs, job.id).exec();
  }

  async retryAt(job: WebhookJob, atMs: number): Promise<void> {
    await this.redis.multi().hset(this.keys.webhookJobs, job.id, JSON.stringify(job)).zadd(this.keys.webhookDue, atMs, job.id).exec();
  }

  /** Gives up on a job: kept (newest first, capped, for a week) for an operator to inspect. */
  async deadLetter(job: WebhookJob): Promise<void> {
    await this.redis.multi()
      .zrem(this.keys.webhookDue, job.id).hdel(this.keys.webhookJobs, job.id)
      .lpush(this.keys.webhookDead, JSON.stringify({ ...job, deadAt: new Date().toISOString() }))
      .ltrim(this.keys.webhookDead, 0, 999).expire(this.keys.webhookDead, 7 * 24 * 3600)
      .exec();
  }

  async deadLetters(limit = 100): Promise<WebhookJob[]> {
    return (await this.redis.lrange(this.keys.webhookDead, 0, limit - 1)).map((v) => JSON.parse(v) as WebhookJob);
  }
}
