import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import type { ChainableCommander } from 'ioredis';
import type { Escalation } from '@cx/contracts';
import { REDIS, REDIS_OPTIONS, type RedisOptions } from '@cx/redis';

export type StoredEscalation = Escalation & { tenantId: string };

/**
 * Escalations in Redis: the current escalation per conversation (JSON), an id → conversation
 * index and the open set per tenant, scored by creation time for listing.
 */
@Injectable()
export class EscalationStore {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(REDIS_OPTIONS) private readonly options: RedisOptions,
  ) {}

  private k(...parts: string[]): string {
    return `${this.options.keyPrefix}cx:rt:${parts.join(':')}`;
  }
  convKey(tenant: string, conversationId: string): string {
    return this.k('conv', `{${tenant}}`, conversationId);
  }

  /** Current escalations of many conversations in one round trip. */
  async byConversations(refs: { tenant: string; conversationId: string }[]): Promise<Map<string, StoredEscalation>> {
    const keys = [...new Set(refs.map((r) => this.convKey(r.tenant, r.conversationId)))];
    const out = new Map<string, StoredEscalation>();
    if (keys.length === 0) return out;
    const values = await this.redis.mget(...keys);
    keys.forEach((key, i) => { if (values[i]) out.set(key, JSON.parse(values[i]!)); });
    return out;
  }

  async byId(tenant: string, escalationId: string): Promise<StoredEscalation | undefined> {
    const conv = await this.redis.hget(this.k('ids', `{${tenant}}`), escalationId);
    if (!conv) return undefined;
    const v = await this.redis.get(this.convKey(tenant, conv));
    const e = v ? (JSON.parse(v) as StoredEscalation) : undefined;
    return e?.escalationId === escalationId ? e : undefined;
  }

  async listOpen(tenant: string, limit = 500): Promise<StoredEscalation[]> {
    const ids = await this.redis.zrange(this.k('open', `{${tenant}}`), 0, limit - 1);
    if (ids.length === 0) return [];
    const convs = await this.redis.hmget(this.k('ids', `{${tenant}}`), ...ids);
    const keys = convs.filter((c): c is string => !!c).map((c) => this.convKey(tenant, c));
    if (keys.length === 0) return [];
    const values = await this.redis.mget(...keys);
    return values.filter((v): v is string => !!v).map((v) => JSON.parse(v) as StoredEscalation)
      .filter((e) => e.status !== 'resolved');
  }

  save(multi: ChainableCommander, e: StoredEscalation, ttlSeconds: number): void {
    multi.set(this.convKey(e.tenantId, e.conversationId), JSON.stringify(e), 'EX', ttlSeconds);
    multi.hset(this.k('ids', `{${e.tenantId}}`), e.escalationId, e.conversationId);
    const open = this.k('open', `{${e.tenantId}}`);
    if (e.status === 'resolved') multi.zrem(open, e.escalationId);
    else multi.zadd(open, Date.parse(e.createdAt), e.escalationId);
  }

  multi(): ChainableCommander {
    return this.redis.multi();
  }
}
