import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import type { ChainableCommander } from 'ioredis';
import type { Agent } from '@cx/contracts';
import { REDIS } from '@cx/redis';
import type { AgentWithLoad } from '@cx/routing';
import { defineRouterScripts } from './redis-scripts';
import { RouterKeys } from './router-keys';

type StoredAgent = Agent & { at: number };


/** How long a parsed copy of a tenant's directory is reused; presence changes are rarer than batches. */
const DIRECTORY_CACHE_MS = 500;

/** Agent directory and presence in Redis (one hash per tenant); load = open escalations assigned. */
@Injectable()
export class AgentDirectory {
  private readonly cache = new Map<string, { at: number; agents: Promise<Agent[]> }>();

  constructor(@Inject(REDIS) private readonly redis: Redis, private readonly keys: RouterKeys) {
    defineRouterScripts(redis);
  }

  private args(tenant: string, agent: Agent, atMs: number): [string, string, number, string] {
    const stored: StoredAgent = { ...agent, at: atMs };
    return [this.keys.agents(tenant), agent.agentId, atMs, JSON.stringify(stored)];
  }

  /** Applies an update now; false when a newer one is already stored. */
  async put(tenant: string, agent: Agent, atMs: number): Promise<boolean> {
    this.cache.delete(tenant);
    const r = await (this.redis as unknown as { cxPutAgent(...a: unknown[]): Promise<number> }).cxPutAgent(...this.args(tenant, agent, atMs));
    return r === 1;
  }

  /** The same, inside the consumer's transaction (atomic with its de-duplication marks). */
  putIn(multi: ChainableCommander, tenant: string, agent: Agent, atMs: number): void {
    this.cache.delete(tenant);
    (multi as unknown as { cxPutAgent(...a: unknown[]): void }).cxPutAgent(...this.args(tenant, agent, atMs));
  }

  async list(tenant: string): Promise<Agent[]> {
    const all = await this.redis.hgetall(this.keys.agents(tenant));
    return Object.values(all).map((v) => {
      const { at: _at, ...agent } = JSON.parse(v) as StoredAgent;
      return agent;
    }).sort((a, b) => a.agentId.localeCompare(b.agentId));
  }

  async get(tenant: string, agentId: string): Promise<Agent | undefined> {
    const v = await this.redis.hget(this.keys.agents(tenant), agentId);
    if (!v) return undefined;
    const { at: _at, ...agent } = JSON.parse(v) as StoredAgent;
    return agent;
  }

  /**
   * Every agent of the tenant with its current load. The directory may be up to half a second old
   * (another instance's PUT); the loads are always read fresh, in one round trip.
   */
  async withLoad(tenant: string): Promise<AgentWithLoad[]> {
    let hit = this.cache.get(tenant);
    if (!hit || Date.now() - hit.at > DIRECTORY_CACHE_MS) {
      hit = { at: Date.now(), agents: this.list(tenant) };
      this.cache.set(tenant, hit);
      hit.agents.catch(() => this.cache.delete(tenant));
    }
    const [agents, loads] = await Promise.all([hit.agents, this.redis.hgetall(this.keys.load(tenant))]);
    return agents.map((a) => ({ ...a, load: Math.max(0, Number(loads[a.agentId] ?? 0)) }));
  }
}
