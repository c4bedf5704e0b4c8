/*
 * De-duplication of input events: CloudEvents ids are unique per source, so (tenant, source, id)
 * names an event. Its mark is a short digest kept in the sorted set of the shard that holds the
 * event's effects (KeySpace.marks), scored by when it was applied: the commit script sets it with
 * the effects and trims marks older than the retention, so a mark lives in the slot of the state
 * it guards and exactly-once holds on a Redis Cluster too.
 */
import { textHash } from '@cx/contracts';
import type { KeySpace } from './key-space';
import type { RedisClient } from './redis-client';

export interface LedgerEntry {
  source: string;
  id: string;
  tenantid: string;
}

/** 96 bits of SHA-1 as 16 base64url characters: collisions are negligible at any realistic volume. */
export function markOf(e: LedgerEntry): string {
  return textHash('sha1', `${e.tenantid}\u001f${e.source}\u001f${e.id}`, 'base64url').slice(0, 16);
}

/** The marks among `byShard` that are already set, in one round trip (one ZMSCORE per shard, auto-pipelined). */
export async function seenMarks(redis: RedisClient, keys: KeySpace, byShard: Map<number, string[]>): Promise<Set<string>> {
  const seen = new Set<string>();
  await Promise.all([...byShard].map(async ([shard, marks]) => {
    if (marks.length === 0) return;
    const scores = await redis.zmscore(keys.marks(shard), ...marks);
    scores.forEach((s, i) => { if (s !== null) seen.add(marks[i]); });
  }));
  return seen;
}
