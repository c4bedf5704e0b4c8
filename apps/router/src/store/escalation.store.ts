/*
 * Escalations in Redis: reads (one round trip for many conversations), and the commands that
 * write an escalation with its per-shard indexes, returned as data for a Change (the committer
 * runs them in the conversation's shard, guarded by the value they were planned from).
 */
import { Inject, Injectable } from '@nestjs/common';
import type { Escalation } from '@cx/contracts';
import { readMany, REDIS, type RedisClient } from '@cx/redis';
import type { Cmd } from '@cx/runtime';
import { RouterKeys } from '../router-keys';

/**
 * An escalation as the router stores it: the contract's Escalation plus the tenant (the contract
 * carries it in the envelope), when the current ladder step began, and the trace context of the
 * request that raised it (every later event of the escalation carries it).
 */
export type StoredEscalation = Escalation & { tenantId: string; ladderAt?: string; trace?: { traceparent?: string; tracestate?: string } };

/** The escalation as the API, SSE and events show it. */
export function publicView(e: StoredEscalation): Escalation {
  const { tenantId: _t, ladderAt: _l, trace: _r, ...rest } = e;
  return rest;
}

export interface ConvRef { tenant: string; conversationId: string; }

/** A stored escalation with the exact value it was read as (a guard's digest is taken from it). */
export interface Read { raw: string | null; escalation?: StoredEscalation }

const holder = (a: Escalation['assignee']) => (a && a.kind !== 'team' ? a.id : undefined);

/** Who holds an escalation for load purposes: an agent or supervisor, while it is not resolved. */
export function heldBy(e: Pick<StoredEscalation, 'status' | 'assignee'> | undefined): string | undefined {
  return e && e.status !== 'resolved' ? holder(e.assignee) : undefined;
}

/** How writing `e` over `previous` changes agents' loads: agent id → +1/-1. */
export function loadChanges(previous: Pick<StoredEscalation, 'escalationId' | 'status' | 'assignee'> | undefined,
  e: Pick<StoredEscalation, 'escalationId' | 'status' | 'assignee'>): Map<string, number> {
  const out = new Map<string, number>();
  const add = (id: string | undefined, d: number) => { if (id) out.set(id, (out.get(id) ?? 0) + d); };
  add(heldBy(previous), -1);
  add(heldBy(e), 1);
  for (const [id, d] of out) if (d === 0) out.delete(id);
  return out;
}

@Injectable()
export class EscalationStore {
  constructor(@Inject(REDIS) private readonly redis: RedisClient, private readonly keys: RouterKeys) {}

  route(tenant: string, conversationId: string) {
    return this.keys.conversation(tenant, conversationId);
  }

  /** Current escalations of many conversations, by key, with their raw values. */
  async read(refs: ConvRef[]): Promise<Map<string, Read>> {
    const values = await readMany(this.redis, refs.map((r) => this.route(r.tenant, r.conversationId).key));
    return new Map([...values].map(([k, raw]) => [k, { raw, escalation: raw ? (JSON.parse(raw) as StoredEscalation) : undefined }]));
  }

  async byConversation(ref: ConvRef): Promise<Read> {
    return (await this.read([ref])).get(this.route(ref.tenant, ref.conversationId).key)!;
  }

  /** The conversation of an escalation id within a tenant: another tenant's id is simply unknown. */
  async conversationOf(tenant: string, escalationId: string): Promise<string | undefined> {
    const shard = this.keys.escalationShard(escalationId);
    if (shard === undefined) return undefined;
    return (await this.redis.hget(this.keys.ids(shard, tenant), escalationId)) ?? undefined;
  }

  /** The tenant's unresolved escalations, oldest first (every shard's open set, one round trip each way). */
  async listOpen(tenant: string, limit = 1000): Promise<StoredEscalation[]> {
    const perShard = await Promise.all(this.keys.space.allShards().map((s) => this.redis.zrange(this.keys.open(s, tenant), 0, limit - 1)));
    const convs = perShard.flat();
    if (convs.length === 0) return [];
    const reads = await this.read(convs.map((conversationId) => ({ tenant, conversationId })));
    return [...reads.values()].flatMap((r) => (r.escalation && r.escalation.status !== 'resolved' ? [r.escalation] : []))
      .sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt) || a.escalationId.localeCompare(b.escalationId))
      .slice(0, limit);
  }

  /**
   * The commands that write `e` over `previous` (the stored version it replaces): the escalation,
   * the id index, the open set and the assignment sets with their load counts.
   */
  saveCommands(e: StoredEscalation, previous: StoredEscalation | undefined, ttlSeconds: number): Cmd[] {
    const shard = this.keys.conversationShard(e.tenantId, e.conversationId);
    const t = e.tenantId;
    const cmds: Cmd[] = [
      { name: 'SET', keys: [this.route(t, e.conversationId).key], args: [JSON.stringify(e), 'EX', ttlSeconds] },
      { name: 'HSET', keys: [this.keys.ids(shard, t)], args: [e.escalationId, e.conversationId] },
      { name: 'EXPIRE', keys: [this.keys.ids(shard, t)], args: [ttlSeconds] },
      e.status === 'resolved'
        ? { name: 'ZREM', keys: [this.keys.open(shard, t)], args: [e.conversationId] }
        : { name: 'ZADD', keys: [this.keys.open(shard, t)], args: [Date.parse(e.createdAt), e.conversationId] },
    ];
    const move = (escalationId: string, from: string | undefined, to: string | undefined): Cmd => ({
      name: '@move',
      keys: [this.keys.assigned(shard, t, from ?? to!), this.keys.assigned(shard, t, to ?? from!), this.keys.load(shard, t)],
      args: [escalationId, from ?? '', to ?? '', ttlSeconds],
    });
    if (previous && previous.escalationId !== e.escalationId) {
      // A new escalation replaced one that was never resolved (should not happen): its holder lets go.
      const old = heldBy(previous);
      if (old) cmds.push(move(previous.escalationId, old, undefined));
    }
    const before = previous?.escalationId === e.escalationId ? heldBy(previous) : undefined;
    const now = heldBy(e);
    if (before && before !== now) cmds.push(move(e.escalationId, before, undefined));
    if (now) cmds.push(move(e.escalationId, undefined, now));
    return cmds;
  }

  /** Sets (or, with null, removes) the ladder timer of the escalation's conversation. */
  scheduleCommand(e: Pick<StoredEscalation, 'tenantId' | 'conversationId'>, atMs: number | null): Cmd {
    const key = this.keys.ladder(this.keys.conversationShard(e.tenantId, e.conversationId));
    const member = JSON.stringify([e.tenantId, e.conversationId]);
    return atMs === null ? { name: 'ZREM', keys: [key], args: [member] } : { name: 'ZADD', keys: [key], args: [atMs, member] };
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
