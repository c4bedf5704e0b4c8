import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import type { ChainableCommander } from 'ioredis';
import { REDIS } from '@cx/redis';
import type { CustomerHistory, HistoryUpdate } from '@cx/routing';
import { RouterKeys } from './router-keys';

export interface CustomerRef { tenant: string; customerId: string; }

/** Per-customer history hashes (see @cx/routing customer-history); each expires after its TTL of quiet. */
@Injectable()
export class CustomerHistoryStore {
  constructor(@Inject(REDIS) private readonly redis: Redis, private readonly keys: RouterKeys) {}

  key(ref: CustomerRef): string {
    return this.keys.customer(ref.tenant, ref.customerId);
  }

  /** Histories of many customers in one round trip, by key. */
  async read(refs: CustomerRef[]): Promise<Map<string, CustomerHistory>> {
    const keys = [...new Set(refs.map((r) => this.key(r)))];
    const out = new Map<string, CustomerHistory>();
    if (keys.length === 0) return out;
    const p = this.redis.pipeline();
    for (const k of keys) p.hgetall(k);
    const replies = (await p.exec()) ?? [];
    keys.forEach((k, i) => {
      const [err, v] = replies[i] ?? [];
      if (err) throw err;
      out.set(k, (v as CustomerHistory) ?? {});
    });
    return out;
  }

  write(multi: ChainableCommander, key: string, update: HistoryUpdate, ttlMs: number): void {
    if (update.del.length) multi.hdel(key, ...update.del);
    if (Object.keys(update.set).length) multi.hset(key, update.set);
    multi.pexpire(key, ttlMs);
  }
}
