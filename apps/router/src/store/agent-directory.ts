/*
 * Agent directory and presence (one hash per tenant) and the routing view built from it: every
 * agent with its load (open escalations assigned, summed over the shards' counters), indexed by
 * team (AgentIndex). The view is read from Redis at most every ROUTING_VIEW_REFRESH_MS while in use
 * and kept current in between from the change feed (every instance's committed changes). A plan
 * sees its own routing decisions through a LoadScope, which it takes back before it returns, so
 * planning leaves the shared view as it found it.
 */
import { Inject, Injectable } from '@nestjs/common';
import type { Agent } from '@cx/contracts';
import { REDIS, type RedisClient } from '@cx/redis';
import { AgentIndex } from '@cx/routing';
import type { Cmd } from '@cx/runtime';
import { RouterKeys } from '../router-keys';
import { ChangeFeed, type ChangeMessage } from './change-feed';
import { loadChanges } from './escalation.store';

type StoredAgent = Agent & { at: number };

/** How often a tenant's routing view (directory and loads) is read again from Redis while in use. */
export const ROUTING_VIEW_REFRESH_MS = 250;
/** A view older than this (an idle router) is not used: the next batch waits for a fresh read. */
const ROUTING_VIEW_MAX_AGE_MS = 2_000;

interface TenantView {
  index?: AgentIndex;
  readAt: number;
  /** A local PUT after this read: the next use waits for a fresh read. */
  stale: boolean;
  loading?: Promise<AgentIndex>;
}

/** Load changes a plan makes while it routes, undone when it is finished (the feed brings the committed ones). */
export class LoadScope {
  private readonly deltas: [string, number][] = [];
  constructor(private readonly index: AgentIndex) {}
  add(changes: Map<string, number>): void {
    for (const [id, d] of changes) {
      this.index.adjust(id, d);
      this.deltas.push([id, d]);
    }
  }
  undo(): void {
    for (const [id, d] of this.deltas.splice(0).reverse()) this.index.adjust(id, -d);
  }
}

@Injectable()
export class AgentDirectory {
  private readonly views = new Map<string, TenantView>();

  constructor(@Inject(REDIS) private readonly redis: RedisClient, private readonly keys: RouterKeys, feed: ChangeFeed) {
    feed.subscribe((m) => this.onChange(m));
  }

  private view(tenant: string): TenantView {
    let v = this.views.get(tenant);
    if (!v) this.views.set(tenant, (v = { readAt: 0, stale: false }));
    return v;
  }

  /** The command that writes an agent unless a newer update is stored (PUT and cx.agents converge). */
  putCommand(tenant: string, agent: Agent, atMs: number): Cmd {
    const stored: StoredAgent = { ...agent, at: atMs };
    return { name: '@hset-newer', keys: [this.keys.agents(tenant).key], args: [agent.agentId, atMs, JSON.stringify(stored)] };
  }

  /** The routing view must not be used before a read that sees a local change. */
  invalidate(tenant: string): void {
    this.view(tenant).stale = true;
  }

  async list(tenant: string): Promise<Agent[]> {
    return parseAgents(await this.redis.hgetall(this.keys.agents(tenant).key));
  }

  async get(tenant: string, agentId: string): Promise<Agent | undefined> {
    const v = await this.redis.hget(this.keys.agents(tenant).key, agentId);
    if (!v) return undefined;
    const { at: _at, ...agent } = JSON.parse(v) as StoredAgent;
    return agent;
  }

  /**
   * The tenant's routing view, fresh enough to use; when due for a refresh but still young, the
   * refresh runs in the background and the current view is returned.
   */
  async withLoad(tenant: string): Promise<AgentIndex> {
    const v = this.view(tenant);
    const age = Date.now() - v.readAt;
    const usable = v.index !== undefined && !v.stale;
    if (usable && age < ROUTING_VIEW_REFRESH_MS) return v.index!;
    const loading = v.loading ?? this.refresh(tenant, v);
    if (usable && age < ROUTING_VIEW_MAX_AGE_MS) {
      loading.catch(() => undefined);
      return v.index!;
    }
    return loading;
  }

  /** A scope for one plan's load changes on the tenant's current view (after `withLoad`). */
  scope(tenant: string): LoadScope {
    const index = this.views.get(tenant)?.index;
    if (!index) throw new Error(`no routing view of tenant ${tenant} yet`);
    return new LoadScope(index);
  }

  current(tenant: string): AgentIndex {
    const index = this.views.get(tenant)?.index;
    if (!index) throw new Error(`no routing view of tenant ${tenant} yet`);
    return index;
  }

  private onChange(m: ChangeMessage): void {
    const index = this.views.get(m.escalation.tenantId)?.index;
    if (!index) return;
    for (const [id, d] of loadChanges(m.before, m.escalation)) index.adjust(id, d);
  }

  private refresh(tenant: string, v: TenantView): Promise<AgentIndex> {
    const sentAt = Date.now();
    v.stale = false;
    const loading = (async () => {
      const [agents, ...loads] = await Promise.all([
        this.redis.hgetall(this.keys.agents(tenant).key),
        ...this.keys.space.allShards().map((s) => this.redis.hgetall(this.keys.load(s, tenant))),
      ]);
      const total = new Map<string, number>();
      for (const h of loads) for (const [id, n] of Object.entries(h)) total.set(id, (total.get(id) ?? 0) + Number(n));
      const index = new AgentIndex(parseAgents(agents).map((a) => ({ ...a, load: Math.max(0, total.get(a.agentId) ?? 0) })));
      Object.assign(v, { index, readAt: sentAt });
      return index;
    })().finally(() => { if (v.loading === loading) v.loading = undefined; });
    v.loading = loading;
    return loading;
  }
}

function parseAgents(all: Record<string, string>): Agent[] {
  return Object.values(all).map((v) => {
    const { at: _at, ...agent } = JSON.parse(v) as StoredAgent;
    return agent;
  }).sort((a, b) => a.agentId.localeCompare(b.agentId));
}
