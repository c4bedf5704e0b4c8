import { Inject, Injectable } from '@nestjs/common';
import { REDIS_OPTIONS, type RedisOptions } from '@cx/redis';

/**
 * Every Redis key of the router, in one place. Per-tenant keys carry the tenant as a hash tag
 * (`{tenant}`) and the shared queues carry their own tag (`{timers}`, `{webhooks}`), so each Lua
 * script only touches keys of one cluster slot.
 */
@Injectable()
export class RouterKeys {
  readonly base: string;

  constructor(@Inject(REDIS_OPTIONS) options: RedisOptions) {
    this.base = `${options.keyPrefix}cx:rt:`;
  }

  /** The current escalation of a conversation (JSON). */
  conv(tenant: string, conversationId: string): string { return `${this.base}conv:{${tenant}}:${conversationId}`; }
  /** escalationId → conversationId. */
  ids(tenant: string): string { return `${this.base}ids:{${tenant}}`; }
  /** Open escalation ids, scored by creation time. */
  open(tenant: string): string { return `${this.base}open:{${tenant}}`; }
  /** Agent directory: agentId → agent JSON with the time of the update. */
  agents(tenant: string): string { return `${this.base}agents:{${tenant}}`; }
  /** Escalation ids assigned to one agent or supervisor: its load is the set's size. */
  assigned(tenant: string, agentId: string): string { return `${this.base}asg:{${tenant}}:${agentId}`; }
  /** agentId → number of escalations in its assignment set, kept by the same script that changes the sets. */
  load(tenant: string): string { return `${this.base}load:{${tenant}}`; }
  /** A customer's recent interactions, flags and promises (see @cx/routing customer-history). */
  customer(tenant: string, customerId: string): string { return `${this.base}cust:{${tenant}}:${customerId}`; }
  /** Ladder timers: member `[tenant, conversationId]`, score = when to check (epoch ms). */
  get ladderTimers(): string { return `${this.base}{timers}:ladder`; }
  /** Events committed with a state change but not yet confirmed on Kafka. */
  get outbox(): string { return `${this.base}{timers}:outbox`; }
  /** Webhook retry queue: member = job id, score = next attempt; jobs in the hash beside it. */
  get webhookDue(): string { return `${this.base}{webhooks}:due`; }
  get webhookJobs(): string { return `${this.base}{webhooks}:jobs`; }
  /** Dead-lettered webhook deliveries (newest first, capped). */
  get webhookDead(): string { return `${this.base}{webhooks}:dead`; }
  /** Pub/sub channel that fans escalation changes out to the SSE clients of every instance. */
  get sseChannel(): string { return `${this.base}sse`; }
}
