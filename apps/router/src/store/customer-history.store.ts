/*
 * Per-customer history hashes (see @cx/routing customer-history): read for an escalation's
 * context, written by the history handler in the customer's own shard.
 */
import { Inject, Injectable } from '@nestjs/common';
import { REDIS, type RedisClient } from '@cx/redis';
import type { CustomerHistory, HistoryUpdate } from '@cx/routing';
import type { Cmd } from '@cx/runtime';
import { RouterKeys } from '../router-keys';

export interface CustomerRef { tenant: string; customerId: string; }

@Injectable()
export class CustomerHistoryStore {
  constructor(@Inject(REDIS) private readonly redis: RedisClient, private readonly keys: RouterKeys) {}

  route(ref: CustomerRef) {
    return this.keys.customer(ref.tenant, ref.customerId);
  }

  /** Histories of many customers in one round trip, by key. */
  async read(refs: CustomerRef[]): Promise<Map<string, CustomerHistory>> {
    const keys = [...new Set(refs.map((r) => this.route(r).key))];
    const values = await Promise.all(keys.map((k) => this.redis.hgetall(k)));
    return new Map(keys.map((k, i) => [k, values[i] ?? {}]));
  }

  writeCommands(key: string, update: HistoryUpdate, ttlMs: number): Cmd[] {
    const cmds: Cmd[] = [];
    if (update.del.length) cmds.push({ name: 'HDEL', keys: [key], args: update.del });
    const set = Object.entries(update.set).flat();
    if (set.length) cmds.push({ name: 'HSET', keys: [key], args: set });
    cmds.push({ name: 'PEXPIRE', keys: [key], args: [ttlMs] });
    return cmds;
  }
}
