import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import type { ChainableCommander } from 'ioredis';
import type { Agent } from '@cx/contracts';
import { REDIS } from '@cx/redis';
import { AgentIndex } from '@cx/routing';
import { defineRouterScripts } from './redis-scripts';
import { RouterKeys } from '../router-keys';

type StoredAgent = Agent & { at: number };


/** How often a tenant's routing view (directory and loads) is read again from Redis while in use. */
export const ROUTING_VIEW_REFRESH_MS = 250;
/** A view older than this (an idle router) is not used: the next batch waits for a fresh read. */
const ROUTING_VIEW_MAX_AGE_MS = 2_000;

/** Load changes of one plan: applied to the view at once, kept until a read taken after their commit. */
export class LoadReservation {
  readonly deltas = new Map<string, number>();
  /** Sequence number of the commit (undefined while pending). */
  committedSeq?: number;

  constructor(private readonly view: TenantView, private readonly seq: () => number) {}

  add(agentId: string, delta: number): void {
    if (delta === 0) return;
    this.deltas.set(agentId, (this.deltas.get(agentId) ?? 0) + delta);
    this.view.changes.add(this);
    this.view.index?.adjust(agentId, delta);
  }

  addAll(changes: Map<string, number>): this {
    for (const [id, d] of changes) this.add(id, d);
    return this;
  }

  /** The transaction committed: Redis has it, so a read sent from now on includes it. */
  commit(): void {
    this.committedSeq ??= this.seq();
  }

  /** The transaction did not commit: take the changes back. */
  cancel(): void {
    if (!this.view.changes.delete(this)) return;
    for (const [id, d] of this.deltas) this.view.index?.adjust(id, -d);
  }
}

interface TenantView {
  index?: AgentIndex;
  /** When (ms) and as which sequence number the read behind `index` was sent. */
  readAt: number;
  readSeq: number;
  /** A local PUT after this sequence number: the next use waits for a read sent after it. */
  putSeq: number;
  loading?: Promise<AgentIndex>;
  loadingSeq: number;
  /** This instance's load changes not yet in the read behind `index` (pending or committed after it was sent). */
  changes: Set<LoadReservation>;
}

/**
 * Agent directory and presence in Redis (one hash per tenant); load = open escalations assigned.
 * Routing uses a per-tenant in-memory view (`AgentIndex`): read from Redis (directory and loads,
 * one round trip) at most every ROUTING_VIEW_REFRESH_MS while batches use it, kept up to date in
 * between with this instance's own routing decisions (LoadReservation), and read afresh before
 * use after a PUT on this instance or when it is older than ROUTING_VIEW_MAX_AGE_MS.
 */
@Injectable()
export class AgentDirectory {
  private readonly views = new Map<string, TenantView>();
  private seq = 0;

  constructor(@Inject(REDIS) private readonly redis: Redis, private readonly keys: RouterKeys) {
    defineRouterScripts(redis);
  }

  private args(tenant: string, agent: Agent, atMs: number): [string, string, number, string] {
    const stored: StoredAgent = { ...agent, at: atMs };
    return [this.keys.agents(tenant), agent.agentId, atMs, JSON.stringify(stored)];
  }

  private view(tenant: string): TenantView {
    let v = this.views.get(tenant);
    if (!v) this.views.set(tenant, (v = { readAt: 0, readSeq: 0, putSeq: 0, loadingSeq: 0, changes: new Set() }));
    return v;
  }

  /** The routing view must not be used before a read that sees this change. */
  private invalidate(tenant: string): void {
    this.view(tenant).putSeq = ++this.seq;
  }

  /** Applies an update now; false when a newer one is already stored. */
  async put(tenant: string, agent: Agent, atMs: number): Promise<boolean> {
    const r = await (this.redis as unknown as { cxPutAgent(...a: unknown[]): Promise<number> }).cxPutAgent(...this.args(tenant, agent, atMs));
    this.invalidate(tenant);
    return r === 1;
  }

  /** The same, inside the consumer's transaction (atomic with its de-duplication marks). */
  putIn(multi: ChainableCommander, tenant: string, agent: Agent, atMs: number): void {
    this.invalidate(tenant);
    (multi as unknown as { cxPutAgent(...a: unknown[]): void }).cxPutAgent(...this.args(tenant, agent, atMs));
  }

  async list(tenant: string): Promise<Agent[]> {
    const all = await this.redis.hgetall(this.keys.agents(tenant));
    return parseAgents(all);
  }

  async get(tenant: string, agentId: string): Promise<Agent | undefined> {
    const v = await this.redis.hget(this.keys.agents(tenant), agentId);
    if (!v) return undefined;
    const { at: _at, ...agent } = JSON.parse(v) as StoredAgent;
    return agent;
  }

  /**
   * The tenant's routing view: every agent with its load, indexed by team. Fresh enough to use
   * (see the class comment); when it is due for a refresh but still young, the refresh runs in
   * the background and the current view is returned, so batches do not wait on it.
   */
  async withLoad(tenant: string): Promise<AgentIndex> {
    const v = this.view(tenant);
    const age = Date.now() - v.readAt;
    const usable = v.index !== undefined && v.readSeq > v.putSeq;
    if (usable && age < ROUTING_VIEW_REFRESH_MS) return v.index!;
    const loading = v.loading && v.loadingSeq > v.putSeq ? v.loading : this.refresh(tenant, v);
    if (usable && age < ROUTING_VIEW_MAX_AGE_MS) {
      loading.catch(() => undefined);
      return v.index!;
    }
    return loading;
  }

  /** The current view (after `withLoad`), for use in the same synchronous step as `reserve`. */
  current(tenant: string): AgentIndex {
    const index = this.views.get(tenant)?.index;
    if (!index) throw new Error(`no routing view of tenant ${tenant} yet`);
    return index;
  }

  /** Load changes of one plan; `commit()` or `cancel()` them when the transaction is decided. */
  reserve(tenant: string): LoadReservation {
    return new LoadReservation(this.view(tenant), () => ++this.seq);
  }

  private refresh(tenant: string, v: TenantView): Promise<AgentIndex> {
    const seq = ++this.seq;
    const sentAt = Date.now();
    const loading = (async () => {
      const replies = await this.redis.pipeline().hgetall(this.keys.agents(tenant)).hgetall(this.keys.load(tenant)).exec();
      const [agentsReply, loadsReply] = replies ?? [];
      if (agentsReply?.[0] || loadsReply?.[0]) throw agentsReply?.[0] ?? loadsReply?.[0];
      const loads = loadsReply![1] as Record<string, string>;
      const index = new AgentIndex(parseAgents(agentsReply![1] as Record<string, string>)
        .map((a) => ({ ...a, load: Math.max(0, Number(loads[a.agentId] ?? 0)) })));
      if (seq < v.readSeq) return v.index!;
      for (const c of v.changes) {
        // Committed before this read was sent: Redis had it, the read includes it.
        if (c.committedSeq !== undefined && c.committedSeq < seq) v.changes.delete(c);
        else for (const [id, d] of c.deltas) index.adjust(id, d);
      }
      Object.assign(v, { index, readAt: sentAt, readSeq: seq });
      return index;
    })().finally(() => { if (v.loading === loading) v.loading = undefined; });
    v.loading = loading;
    v.loadingSeq = seq;
    return loading;
  }
}

function parseAgents(all: Record<string, string>): Agent[] {
  return Object.values(all).map((v) => {
    const { at: _at, ...agent } = JSON.parse(v) as StoredAgent;
    return agent;
  }).sort((a, b) => a.agentId.localeCompare(b.agentId));
}
