import { createHash } from 'node:crypto';
import type Redis from 'ioredis';
import type { ChainableCommander } from 'ioredis';

export interface LedgerEntry {
  source: string;
  id: string;
  tenantid: string;
}

/**
 * Remembers which CloudEvents a service has already applied, so a redelivered or duplicated
 * event is processed once. Keys expire after the TTL: duplicates older than that are not expected.
 */
export class EventLedger {
  constructor(private readonly redis: Redis, private readonly prefix: string, private readonly ttlSeconds: number) {}

  key(e: LedgerEntry): string {
    // CloudEvents ids are unique per source; hash so arbitrary ids make bounded, safe keys.
    const digest = createHash('sha1').update(`${e.tenantid}\u001f${e.source}\u001f${e.id}`).digest('base64url');
    return this.prefix + digest;
  }

  /** Indices of entries never applied before, dropping repeats within the same list too. One round trip. */
  async unseen(entries: LedgerEntry[]): Promise<number[]> {
    if (entries.length === 0) return [];
    const keys = entries.map((e) => this.key(e));
    const found = await this.redis.mget(...keys);
    const seenInBatch = new Set<string>();
    const fresh: number[] = [];
    keys.forEach((k, i) => {
      if (found[i] !== null || seenInBatch.has(k)) return;
      seenInBatch.add(k);
      fresh.push(i);
    });
    return fresh;
  }

  /** Adds the marks to the caller's MULTI, so they commit atomically with the effects. */
  mark(multi: ChainableCommander, entries: LedgerEntry[]): void {
    for (const e of entries) multi.set(this.key(e), '1', 'EX', this.ttlSeconds);
  }
}
