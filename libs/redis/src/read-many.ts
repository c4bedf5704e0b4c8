/*
 * Reads many string keys in one round trip on a single node or a Cluster alike: one MGET on a
 * single node, one MGET per hash tag on a Cluster (it refuses an MGET across slots), all sent in
 * the same tick (auto-pipelined).
 */
import { isClusterClient, type RedisClient } from './redis-client';

/** The hash tag of a key as Redis Cluster reads it (the key itself when it has none). */
export function hashTagOf(key: string): string {
  const open = key.indexOf('{');
  if (open >= 0) {
    const close = key.indexOf('}', open + 1);
    if (close > open + 1) return key.slice(open + 1, close);
  }
  return key;
}

export async function readMany(redis: RedisClient, keys: Iterable<string>): Promise<Map<string, string | null>> {
  const byTag = new Map<string, string[]>();
  const cluster = isClusterClient(redis);
  for (const k of new Set(keys)) {
    const tag = cluster ? hashTagOf(k) : '';
    let list = byTag.get(tag);
    if (!list) byTag.set(tag, (list = []));
    list.push(k);
  }
  const out = new Map<string, string | null>();
  await Promise.all([...byTag.values()].map(async (list) => {
    const values = await redis.mget(...list);
    list.forEach((k, i) => out.set(k, values[i]));
  }));
  return out;
}
