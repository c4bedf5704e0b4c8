import type Redis from 'ioredis';
import type { ChainableCommander } from 'ioredis';

/** The port services keep per-key JSON state behind: read many in one round trip, write inside the batch MULTI. */
export interface StateStore<T> {
  getMany(keys: string[]): Promise<Map<string, T>>;
  put(multi: ChainableCommander, key: string, value: T, ttlSeconds: number): void;
}

export class RedisJsonStore<T> implements StateStore<T> {
  constructor(private readonly redis: Redis) {}

  async getMany(keys: string[]): Promise<Map<string, T>> {
    const unique = [...new Set(keys)];
    const out = new Map<string, T>();
    if (unique.length === 0) return out;
    const values = await this.redis.mget(...unique);
    unique.forEach((k, i) => { if (values[i] !== null) out.set(k, JSON.parse(values[i]!) as T); });
    return out;
  }

  put(multi: ChainableCommander, key: string, value: T, ttlSeconds: number): void {
    multi.set(key, JSON.stringify(value), 'EX', Math.max(1, Math.ceil(ttlSeconds)));
  }
}
