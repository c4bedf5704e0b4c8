import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import type { ChainableCommander } from 'ioredis';
import type { Escalation } from '@cx/contracts';
import { REDIS } from '@cx/redis';
import { defineRouterScripts } from './redis-scripts';
import { RouterKeys } from '../router-keys';

/**
 * An escalation as the router stores it: the contract's Escalation plus the tenant (the contract
 * carries it in the envelope) and when the current ladder step began (router-internal).
 */
export type StoredEscalation = Escalation & { tenantId: string; ladderAt?: string };

/** The escalation as the API, SSE and events show it. */
export function publicView(e: StoredEscalation): Escalation {
  const { tenantId: _t, ladderAt: _l, ...rest } = e;
  return rest;
}

export interface ConvRef { tenant: string; conversationId: string; }

/** A read queued on a shared pipeline: its `count` commands' replies (in order) go to `decode`. */
export interface PipelineRead<T> {
  count: number;
  decode(replies: [Error | null, unknown][]): T;
}

const holder = (a: Escalation['assignee']) => (a && a.kind !== 'team' ? a.id : undefined);

/**
 * How writing `e` over `previous` changes agents' loads (open escalations assigned), as `save`
 * changes the assignment sets: agent id → +1/-1. For the router's in-memory load counts.
 */
export function loadChanges(previous: StoredEscalation | undefined, e: StoredEscalation): Map<string, number> {
  const out = new Map<string, number>();
  const add = (id: string | undefined, d: number) => { if (id) out.set(id, (out.get(id) ?? 0) + d); };
  const held = (x: StoredEscalation | undefined) => (x && x.status !== 'resolved' ? holder(x.assignee) : undefined);
  const same = previous?.escalationId === e.escalationId;
  if (!same) add(held(previous), -1);
  const before = same ? held(previous) : undefined;
  const now = held(e);
  if (before !== now) { add(before, -1); add(now, 1); }
  for (const [id, d] of out) if (d === 0) out.delete(id);
  return out;
}


/**
 * Escalations in Redis: the current escalation per conversation (JSON), an id → conversation
 * index, the open set per tenant (for listing), the assignment sets (agent load) and the ladder
 * timers. Writes go into the caller's MULTI (see EscalationWriter), reads are plain.
 */
@Injectable()
export class EscalationStore {
  constructor(@Inject(REDIS) private readonly redis: Redis, private readonly keys: RouterKeys) {
    defineRouterScripts(redis);
  }

  private assign(multi: ChainableCommander, tenant: string, escalationId: string, from: string | undefined, to: string | undefined, ttl: number): void {
    (multi as unknown as { cxAssign(...a: unknown[]): void }).cxAssign(
      this.keys.assigned(tenant, from ?? to ?? ''), this.keys.assigned(tenant, to ?? from ?? ''), this.keys.load(tenant),
      escalationId, from ?? '', to ?? '', ttl);
  }

  convKey(tenant: string, conversationId: string): string {
    return this.keys.conv(tenant, conversationId);
  }

  /** Current escalations of many conversations in one round trip, by conv key. */
  async byConversations(refs: ConvRef[]): Promise<Map<string, StoredEscalation>> {
    const p = this.redis.pipeline();
    const read = this.queueByConversations(p, refs);
    return read.decode(read.count ? ((await p.exec()) ?? []) : []);
  }

  /** `byConversations` on the caller's pipeline (to share its round trip): `count` commands, then decode their replies. */
  queueByConversations(p: ChainableCommander, refs: ConvRef[]): PipelineRead<Map<string, StoredEscalation>> {
    const keys = [...new Set(refs.map((r) => this.convKey(r.tenant, r.conversationId)))];
    if (keys.length) p.mget(...keys);
    return {
      count: keys.length ? 1 : 0,
      decode: (replies) => {
        const out = new Map<string, StoredEscalation>();
        if (keys.length === 0) return out;
        const [err, values] = replies[0] ?? [new Error('no reply')];
        if (err) throw err;
        keys.forEach((key, i) => { const v = (values as (string | null)[])[i]; if (v) out.set(key, JSON.parse(v)); });
        return out;
      },
    };
  }

  async byConversation(ref: ConvRef): Promise<StoredEscalation | undefined> {
    const v = await this.redis.get(this.convKey(ref.tenant, ref.conversationId));
    return v ? (JSON.parse(v) as StoredEscalation) : undefined;
  }

  /** The conversation of an escalation id within a tenant: another tenant's id is simply unknown. */
  async conversationOf(tenant: string, escalationId: string): Promise<string | undefined> {
    return (await this.redis.hget(this.keys.ids(tenant), escalationId)) ?? undefined;
  }

  async listOpen(tenant: string, limit = 1000): Promise<StoredEscalation[]> {
    const ids = await this.redis.zrange(this.keys.open(tenant), 0, limit - 1);
    if (ids.length === 0) return [];
    const convs = await this.redis.hmget(this.keys.ids(tenant), ...ids);
    const keys = [...new Set(convs.filter((c): c is string => !!c))].map((c) => this.convKey(tenant, c));
    if (keys.length === 0) return [];
    const values = await this.redis.mget(...keys);
    return values.filter((v): v is string => !!v).map((v) => JSON.parse(v) as StoredEscalation)
      .filter((e) => e.status !== 'resolved');
  }

  /**
   * Queues the write of `e` (and its index entries) on `multi`. `previous` is the stored version
   * it replaces, so the assignment sets (agent load) follow re-routes and resolves.
   */
  save(multi: ChainableCommander, e: StoredEscalation, previous: StoredEscalation | undefined, ttlSeconds: number): void {
    multi.set(this.convKey(e.tenantId, e.conversationId), JSON.stringify(e), 'EX', ttlSeconds);
    multi.hset(this.keys.ids(e.tenantId), e.escalationId, e.conversationId);
    multi.expire(this.keys.ids(e.tenantId), ttlSeconds);
    const open = this.keys.open(e.tenantId);
    if (e.status === 'resolved') multi.zrem(open, e.escalationId);
    else multi.zadd(open, Date.parse(e.createdAt), e.escalationId);
    if (previous && previous.escalationId !== e.escalationId && previous.status !== 'resolved') {
      // A new escalation replaced one that was never resolved (should not happen): drop the old from the indexes.
      multi.zrem(open, previous.escalationId);
      const old = holder(previous.assignee);
      if (old) this.assign(multi, e.tenantId, previous.escalationId, old, undefined, ttlSeconds);
    }
    const before = previous?.escalationId === e.escalationId ? holder(previous.assignee) : undefined;
    const now = e.status === 'resolved' ? undefined : holder(e.assignee);
    if (before && before !== now) this.assign(multi, e.tenantId, e.escalationId, before, undefined, ttlSeconds);
    if (now) this.assign(multi, e.tenantId, e.escalationId, undefined, now, ttlSeconds);
  }

  /** Sets (or, with null, removes) the ladder timer of the escalation's conversation. */
  schedule(multi: ChainableCommander, e: Pick<StoredEscalation, 'tenantId' | 'conversationId'>, atMs: number | null): void {
    const member = JSON.stringify([e.tenantId, e.conversationId]);
    if (atMs === null) multi.zrem(this.keys.ladderTimers, member);
    else multi.zadd(this.keys.ladderTimers, atMs, member);
  }
}

export function timerRef(member: string): ConvRef | undefined {
  try {
    const [tenant, conversationId] = JSON.parse(member) as [string, string];
    return typeof tenant === 'string' && typeof conversationId === 'string' ? { tenant, conversationId } : undefined;
  } catch {
    return undefined;
  }
}
