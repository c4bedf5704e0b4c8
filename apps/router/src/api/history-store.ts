import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import type { ChainableCommander } from 'ioredis';
import type { Escalation } from '@cx/contracts';
import { REDIS } from '@cx/redis';
import { historyItem, mergeHistoryIds, type HistoryItem, type Principal } from '@cx/routing';
import { RouterKeys } from '../router-keys';

/** At most this many ids of one window are merged per query (a window is a day or a few). */
const MAX_WINDOW_IDS = 50_000;

export interface HistoryQuery {
  fromMs: number;
  toMs: number;
  team?: string;
  limit: number;
  offset: number;
}

/**
 * Resolved escalations, kept for the tenant's history retention (routing config
 * `retention.history`): each one as JSON, and indexes scored by resolve time — the tenant's, each
 * team's and each person's who held, acknowledged or resolved it — so a page of "what my teams
 * resolved today" reads ids from a few sorted sets and then only that page's records, and every
 * principal sees exactly what canSee lets them see. All keys carry the tenant's hash tag.
 */
@Injectable()
export class HistoryStore {
  constructor(@Inject(REDIS) private readonly redis: Redis, private readonly keys: RouterKeys) {}

  private all(t: string) { return `${this.keys.base}hist:{${t}}:all`; }
  private team(t: string, team: string) { return `${this.keys.base}hist:{${t}}:team:${team}`; }
  private person(t: string, id: string) { return `${this.keys.base}hist:{${t}}:who:${id}`; }
  record(t: string, escalationId: string) { return `${this.keys.base}hist:{${t}}:e:${escalationId}`; }

  /** Queues the write of a resolved escalation (and its index entries) on the caller's MULTI. */
  write(multi: ChainableCommander, tenant: string, e: Escalation, retentionMs: number, nowMs = Date.now()): void {
    const at = Date.parse(e.resolvedAt ?? e.updatedAt);
    multi.set(this.record(tenant, e.escalationId), JSON.stringify(e), 'PX', retentionMs);
    const team = e.target.team ?? (e.assignee?.kind === 'team' ? e.assignee.id : undefined);
    const people = new Set([e.assignee && e.assignee.kind !== 'team' ? e.assignee.id : undefined, e.acknowledgedBy, e.resolvedBy]
      .filter((x): x is string => !!x));
    const indexes = [this.all(tenant), ...(team ? [this.team(tenant, team)] : []), ...[...people].map((p) => this.person(tenant, p))];
    for (const key of indexes) {
      multi.zadd(key, at, e.escalationId);
      multi.zremrangebyscore(key, '-inf', nowMs - retentionMs);
      multi.pexpire(key, retentionMs);
    }
  }

  /** Replaces a stored record (e.g. feedback after the resolve), keeping its expiry. */
  rewrite(multi: ChainableCommander, tenant: string, e: Escalation): void {
    multi.set(this.record(tenant, e.escalationId), JSON.stringify(e), 'KEEPTTL', 'XX');
  }

  async get(tenant: string, escalationId: string): Promise<Escalation | undefined> {
    const v = await this.redis.get(this.record(tenant, escalationId));
    return v ? (JSON.parse(v) as Escalation) : undefined;
  }

  private async range(key: string, q: Pick<HistoryQuery, 'fromMs' | 'toMs'>): Promise<[string, number][]> {
    const flat = await this.redis.zrevrangebyscore(key, q.toMs, q.fromMs, 'WITHSCORES', 'LIMIT', 0, MAX_WINDOW_IDS);
    const out: [string, number][] = [];
    for (let i = 0; i < flat.length; i += 2) out.push([flat[i], Number(flat[i + 1])]);
    return out;
  }

  /** The ids `who` may see in the window, newest first (the same rule as canSee). */
  private async visibleIds(who: Principal, q: Pick<HistoryQuery, 'fromMs' | 'toMs' | 'team'>): Promise<[string, number][]> {
    const t = who.tenant;
    if (who.role === 'admin') return this.range(q.team ? this.team(t, q.team) : this.all(t), q);
    const lists: [string, number][][] = [];
    if (who.agentId) {
      let own = await this.range(this.person(t, who.agentId), q);
      if (q.team && own.length) {
        const scores = await this.redis.zmscore(this.team(t, q.team), ...own.map(([id]) => id));
        own = own.filter((_, i) => scores[i] !== null);
      }
      lists.push(own);
    }
    if (who.role === 'supervisor') {
      const teams = q.team ? who.teams.filter((x) => x === q.team) : who.teams;
      lists.push(...await Promise.all(teams.map((team) => this.range(this.team(t, team), q))));
    }
    return mergeHistoryIds(lists);
  }

  private async records(tenant: string, ids: string[]): Promise<HistoryItem[]> {
    if (ids.length === 0) return [];
    const values = await this.redis.mget(...ids.map((id) => this.record(tenant, id)));
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
