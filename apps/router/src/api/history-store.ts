/*
 * Resolved escalations, kept for the tenant's history retention (routing config
 * `retention.history`): each one as JSON in its conversation's shard, with indexes scored by
 * resolve time — the tenant's, each team's and each person's who held, acknowledged or resolved
 * it — written by the same commit as the resolve. A page of "what my teams resolved today" reads
 * those indexes across the shards (one round trip), merges them, then reads only the page's records.
 */
import { Inject, Injectable } from '@nestjs/common';
import type { Escalation } from '@cx/contracts';
import { REDIS, type RedisClient } from '@cx/redis';
import { historyItem, mergeHistoryIds, type HistoryItem, type Principal } from '@cx/routing';
import type { Cmd } from '@cx/runtime';
import { RouterKeys } from '../router-keys';

/** At most this many ids of one window are merged per index and shard (a window is a day or a few). */
const MAX_WINDOW_IDS = 50_000;

export interface HistoryQuery {
  fromMs: number;
  toMs: number;
  team?: string;
  limit: number;
  offset: number;
}

@Injectable()
export class HistoryStore {
  constructor(@Inject(REDIS) private readonly redis: RedisClient, private readonly keys: RouterKeys) {}

  private shardOf(escalationId: string): number {
    const shard = this.keys.escalationShard(escalationId);
    if (shard === undefined) throw new Error(`not an escalation id: ${escalationId}`);
    return shard;
  }

  recordKey(tenant: string, escalationId: string): string {
    return this.keys.historyRecord(this.shardOf(escalationId), tenant, escalationId);
  }

  /** The commands that record a resolved escalation with its index entries (in the escalation's shard). */
  writeCommands(tenant: string, e: Escalation, retentionMs: number, nowMs: number): Cmd[] {
    const shard = this.shardOf(e.escalationId);
    const at = Date.parse(e.resolvedAt ?? e.updatedAt);
    const team = e.target.team ?? (e.assignee?.kind === 'team' ? e.assignee.id : undefined);
    const people = new Set([e.assignee && e.assignee.kind !== 'team' ? e.assignee.id : undefined, e.acknowledgedBy, e.resolvedBy]
      .filter((x): x is string => !!x));
    const indexes = [this.keys.historyAll(shard, tenant), ...(team ? [this.keys.historyTeam(shard, tenant, team)] : []),
      ...[...people].map((p) => this.keys.historyPerson(shard, tenant, p))];
    return [
      { name: 'SET', keys: [this.recordKey(tenant, e.escalationId)], args: [JSON.stringify(e), 'PX', retentionMs] },
      ...indexes.flatMap((key): Cmd[] => [
        { name: 'ZADD', keys: [key], args: [at, e.escalationId] },
        { name: 'ZREMRANGEBYSCORE', keys: [key], args: ['-inf', nowMs - retentionMs] },
        { name: 'PEXPIRE', keys: [key], args: [retentionMs] },
      ]),
    ];
  }

  /** Replaces a stored record (e.g. feedback after the resolve), keeping its expiry. */
  rewriteCommand(tenant: string, e: Escalation): Cmd {
    return { name: 'SET', keys: [this.recordKey(tenant, e.escalationId)], args: [JSON.stringify(e), 'KEEPTTL', 'XX'] };
  }

  /** The record and the exact value read (a guard for a change made to it). */
  async read(tenant: string, escalationId: string): Promise<{ raw: string | null; escalation?: Escalation }> {
    if (this.keys.escalationShard(escalationId) === undefined) return { raw: null };
    const raw = await this.redis.get(this.recordKey(tenant, escalationId));
    return { raw, escalation: raw ? (JSON.parse(raw) as Escalation) : undefined };
  }

  async get(tenant: string, escalationId: string): Promise<Escalation | undefined> {
    return (await this.read(tenant, escalationId)).escalation;
  }

  /** One index over every shard, newest first. */
  private async range(index: (shard: number) => string, q: Pick<HistoryQuery, 'fromMs' | 'toMs'>): Promise<[string, number][]> {
    const perShard = await Promise.all(this.keys.space.allShards().map(async (s) => {
      const flat = await this.redis.zrevrangebyscore(index(s), q.toMs, q.fromMs, 'WITHSCORES', 'LIMIT', 0, MAX_WINDOW_IDS);
      const out: [string, number][] = [];
      for (let i = 0; i < flat.length; i += 2) out.push([flat[i], Number(flat[i + 1])]);
      return out;
    }));
    return mergeHistoryIds(perShard);
  }

  /** The ids `who` may see in the window, newest first (the same rule as canSee). */
  private async visibleIds(who: Principal, q: Pick<HistoryQuery, 'fromMs' | 'toMs' | 'team'>): Promise<[string, number][]> {
    const t = who.tenant;
    const team = (name: string) => (s: number) => this.keys.historyTeam(s, t, name);
    if (who.role === 'admin') return this.range(q.team ? team(q.team) : (s) => this.keys.historyAll(s, t), q);
    const lists: [string, number][][] = [];
    if (who.agentId) {
      const agentId = who.agentId;
      let own = await this.range((s) => this.keys.historyPerson(s, t, agentId), q);
      if (q.team && own.length) {
        const inTeam = new Set((await this.range(team(q.team), q)).map(([id]) => id));
        own = own.filter(([id]) => inTeam.has(id));
      }
      lists.push(own);
    }
    if (who.role === 'supervisor') {
      const teams = q.team ? who.teams.filter((x) => x === q.team) : who.teams;
      lists.push(...await Promise.all(teams.map((name) => this.range(team(name), q))));
    }
    return mergeHistoryIds(lists);
  }

  private async records(tenant: string, ids: string[]): Promise<HistoryItem[]> {
    const values = await Promise.all(ids.map((id) => this.redis.get(this.recordKey(tenant, id))));
    return values.filter((v): v is string => !!v).map((v) => historyItem(JSON.parse(v) as Escalation));
  }

  /** One page of what `who` may see, newest first, with the total in the window. */
  async page(who: Principal, q: HistoryQuery): Promise<{ items: HistoryItem[]; total: number }> {
    const ids = await this.visibleIds(who, q);
    const page = ids.slice(q.offset, q.offset + q.limit).map(([id]) => id);
    return { items: await this.records(who.tenant, page), total: ids.length };
  }

  /** Everything `who` may see in the window (for the CSV export and the wallboard), newest first, at most `max`. */
  async list(who: Principal, q: Pick<HistoryQuery, 'fromMs' | 'toMs' | 'team'>, max: number): Promise<HistoryItem[]> {
    const ids = (await this.visibleIds(who, q)).slice(0, max).map(([id]) => id);
    const out: HistoryItem[] = [];
    for (let i = 0; i < ids.length; i += 500) out.push(...await this.records(who.tenant, ids.slice(i, i + 500)));
    return out;
  }
}
