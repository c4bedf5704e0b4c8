import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import type { ChainableCommander } from 'ioredis';
import type { Agent } from '@cx/contracts';
import { REDIS } from '@cx/redis';
import type { AgentWithLoad } from '@cx/routing';
import { RouterKeys } from './router-keys';

type StoredAgent = Agent & { at: number };

/**
 * Writes an agent only if the update is not older than what is stored, so the PUT (applied at
 * once) and its own `cx.agent.updated.v1` (applied later by whichever instance consumes it)
 * converge on the newest state in any order. Equal times re-apply: replays are harmless.
 */
const PUT_IF_NEWER = `
local cur = redis.call('HGET', KEYS[1], ARGV[1])
if cur then
  local ok, c = pcall(cjson.decode, cur)
  if ok and c.at and tonumber(c.at) > tonumber(ARGV[2]) then return 0 end
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
return 1`;

/** Agent directory and presence in Redis (one hash per tenant); load = open escalations assigned. */
@Injectable()
export class AgentDirectory {
  constructor(@Inject(REDIS) private readonly redis: Redis, private readonly keys: RouterKeys) {
    redis.defineCommand('cxPutAgent', { numberOfKeys: 1, lua: PUT_IF_NEWER });
  }

  private args(tenant: string, agent: Agent, atMs: number): [string, string, number, string] {
    const stored: StoredAgent = { ...agent, at: atMs };
    return [this.keys.agents(tenant), agent.agentId, atMs, JSON.stringify(stored)];
  }

  /** Applies an update now; false when a newer one is already stored. */
  async put(tenant: string, agent: Agent, atMs: number): Promise<boolean> {
    const r = await (this.redis as unknown as { cxPutAgent(...a: unknown[]): Promise<number> }).cxPutAgent(...this.args(tenant, agent, atMs));
    return r === 1;
  }

  /** The same, inside the consumer's transaction (atomic with its de-duplication marks). */
  putIn(multi: ChainableCommander, tenant: string, agent: Agent, atMs: number): void {
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

  /** Every agent of the tenant with its current load (size of its assignment set), in two round trips. */
  async withLoad(tenant: string): Promise<AgentWithLoad[]> {
    const agents = await this.list(tenant);
    if (agents.length === 0) return [];
    const p = this.redis.pipeline();
    for (const a of agents) p.scard(this.keys.assigned(tenant, a.agentId));
    const loads = (await p.exec()) ?? [];
    return agents.map((a, i) => ({ ...a, load: Number(loads[i]?.[1] ?? 0) }));
  }
}
