/*
 * The webhook queue, per shard of the escalation's conversation: job ids by next attempt (a lease
 * queue) beside a hash of the jobs. A job is enqueued by the same commit as the escalation change
 * that caused it, so the consumer never waits for an HTTP call and no delivery is lost to a crash;
 * each attempt's outcome is committed the same way (guarded by the job as it was claimed).
 */
import { Inject, Injectable } from '@nestjs/common';
import { deterministicId, type TraceContext } from '@cx/contracts';
import { claimDueAll, REDIS, type RedisClient } from '@cx/redis';
import type { SlackMessage } from '@cx/routing';
import type { Cmd } from '@cx/runtime';
import { RouterKeys } from '../router-keys';

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
  /** The escalation's trace context: the delivery continues its trace. */
  trace?: TraceContext;
}

/** A job that was never delivered nor dead-lettered in this long is dropped with its key. */
const JOB_TTL_SECONDS = 7 * 24 * 3600;

/** A claimed job with the value it was read as (its outcome commits only if nobody changed it meanwhile). */
export interface ClaimedJob { shard: number; job: WebhookJob; raw: string }

@Injectable()
export class WebhookQueue {
  constructor(@Inject(REDIS) private readonly redis: RedisClient, private readonly keys: RouterKeys) {}

  static jobId(tenant: string, escalationId: string, step: number, team: string): string {
    return deterministicId(tenant, escalationId, 'webhook', String(step), team);
  }

  /** Idempotent: the same escalation step for the same team is one job, however often committed. */
  enqueueCommands(job: Omit<WebhookJob, 'id' | 'attempts'>, atMs: number): Cmd[] {
    const shard = this.keys.conversationShard(job.tenant, job.conversationId);
    const id = WebhookQueue.jobId(job.tenant, job.escalationId, job.step, job.team);
    return [
      { name: 'SET', keys: [this.keys.webhookJob(shard, id)], args: [JSON.stringify({ ...job, id, attempts: 0 }), 'NX', 'EX', JOB_TTL_SECONDS] },
      { name: 'ZADD', keys: [this.keys.webhookDue(shard)], args: ['NX', atMs, id] },
    ];
  }

  /** Claims due jobs of every shard (leased until `leaseUntil`); jobs already gone are dropped from the queue. */
  async claim(now: number, leaseUntil: number, limit: number): Promise<ClaimedJob[]> {
    const shards = this.keys.space.allShards();
    const claims = await claimDueAll(this.redis, shards.map((s) => this.keys.webhookDue(s)), now, leaseUntil, limit);
    const perShard = await Promise.all(claims.map(async (claimed, k) => {
      const shard = shards[k];
      if (claimed.length === 0) return [];
      const values = await this.redis.mget(...claimed.map((c) => this.keys.webhookJob(shard, c.member)));
      const orphans = claimed.filter((_, i) => !values[i]).map((c) => c.member);
      if (orphans.length) await this.redis.zrem(this.keys.webhookDue(shard), ...orphans);
      return values.flatMap((raw) => (raw ? [{ shard, job: JSON.parse(raw) as WebhookJob, raw }] : []));
    }));
    return perShard.flat().slice(0, limit);
  }

  jobKey(shard: number, job: WebhookJob): string {
    return this.keys.webhookJob(shard, job.id);
  }

  doneCommands(shard: number, job: WebhookJob): Cmd[] {
    return [
      { name: 'ZREM', keys: [this.keys.webhookDue(shard)], args: [job.id] },
      { name: 'DEL', keys: [this.jobKey(shard, job)], args: [] },
    ];
  }

  retryCommands(shard: number, job: WebhookJob, atMs: number): Cmd[] {
    return [
      { name: 'SET', keys: [this.jobKey(shard, job)], args: [JSON.stringify(job), 'EX', JOB_TTL_SECONDS] },
      { name: 'ZADD', keys: [this.keys.webhookDue(shard)], args: [atMs, job.id] },
    ];
  }

  /** Gives up on a job: kept (newest first, capped, for a week) for an operator to inspect. */
  deadLetterCommands(shard: number, job: WebhookJob, at: string): Cmd[] {
    const dead = this.keys.webhookDead(shard);
    return [
      ...this.doneCommands(shard, job),
      { name: 'LPUSH', keys: [dead], args: [JSON.stringify({ ...job, deadAt: at })] },
      { name: 'LTRIM', keys: [dead], args: [0, 999] },
      { name: 'EXPIRE', keys: [dead], args: [7 * 24 * 3600] },
    ];
  }

  async deadLetters(limit = 100): Promise<WebhookJob[]> {
    const lists = await Promise.all(this.keys.space.allShards().map((s) => this.redis.lrange(this.keys.webhookDead(s), 0, limit - 1)));
    return lists.flat().map((v) => JSON.parse(v) as WebhookJob).slice(0, limit);
  }
}
