import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import type { ChainableCommander } from 'ioredis';
import { REDIS } from '@cx/redis';
import type { CustomerHistory, HistoryUpdate } from '@cx/routing';
import type { PipelineRead } from './escalation.store';
import { RouterKeys } from '../router-keys';

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
    const p = this.redis.pipeline();
    const read = this.queueRead(p, refs);
    return read.decode(read.count ? ((await p.exec()) ?? []) : []);
  }

  /** `read` on the caller's pipeline (to share its round trip): `count` commands, then decode their replies. */
  queueRead(p: ChainableCommander, refs: CustomerRef[]): PipelineRead<Map<string, CustomerHistory>> {
    const keys = [...new Set(refs.map((r) => this.key(r)))];
    for (const k of keys) p.hgetall(k);
    return {
      count: keys.length,
      decode: (replies) => {
        const out = new Map<string, CustomerHistory>();
        keys.forEach((k, i) => {
          const [err, v] = replies[i] ?? [];
          if (err) throw err;
          out.set(k, (v as CustomerHistory) ?? {});
        });
        return out;
      },
    };
  }

  write(multi: ChainableCommander, key: string, update: HistoryUpdate, ttlMs: number): void {
    if (update.del.length) multi.hdel(key, ...update.del);
    if (Object.keys(update.set).length) multi.hset(key, update.set);
    multi.pexpire(key, ttlMs);
  }
}
