// Amazon Connect contact starts in Redis: SET NX keeps the first start any gateway instance saw
// (GET returns it in the same command), with a TTL, so Contact Lens offsets map to the same event
// times whichever instance receives a record. A Redis that does not answer in time is
// PublishUnavailable (503): the forwarder retries and nothing is lost.
import type { RedisClient } from '@cx/redis';
import type { ContactStartStore } from '../ingest-types';
import { PublishUnavailable } from './ingest-publisher';

export class RedisContactStartStore implements ContactStartStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly keyPrefix: string,
    private readonly ttlSeconds: number,
    private readonly timeoutMs: number,
  ) {}

  /** One key per contact, hash-tagged by its conversation id (Redis Cluster slots). */
  key(tenant: string, contactId: string): string {
    return `${this.keyPrefix}cx:gw:contact-start:${tenant}:{amazon-connect:${contactId}}`;
  }

  async startOf(tenant: string, candidates: Map<string, Date>): Promise<Map<string, Date>> {
    const entries = [...candidates];
    // One command per contact; auto-pipelining sends them in one round trip per node (a Cluster
    // pipeline would be restricted to one slot).
    const replies = Promise.all(entries.map(([contact, at]) =>
      this.redis.call('SET', this.key(tenant, contact), String(at.getTime()), 'EX', String(this.ttlSeconds), 'NX', 'GET')));
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new PublishUnavailable(`Redis did not answer within ${this.timeoutMs} ms`)), this.timeoutMs);
    });
    let results: unknown[];
    try {
      results = await Promise.race([replies, deadline]);
    } catch (e) {
      throw e instanceof PublishUnavailable ? e : new PublishUnavailable(`Redis: ${(e as Error).message}`);
    } finally {
      clearTimeout(timer);
    }
    const out = new Map<string, Date>();
    entries.forEach(([contact, at], i) => {
      const previous = results[i];
      const stored = previous === null || previous === undefined ? NaN : Number(previous);
      out.set(contact, Number.isFinite(stored) ? new Date(stored) : at);
    });
    return out;
  }
}
