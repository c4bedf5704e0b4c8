// Amazon Connect contact starts in Redis: SET NX keeps the first start any gateway instance saw
// (GET returns it in the same command), with a TTL, so Contact Lens offsets map to the same event
// times whichever instance receives a record. A Redis that does not answer in time is
// PublishUnavailable (503): the forwarder retries and nothing is lost.
import Redis from 'ioredis';
import type { ContactStartStore } from '../ingest-types';
import { PublishUnavailable } from './ingest-publisher';

export class RedisContactStartStore implements ContactStartStore {
  constructor(
    private readonly redis: Redis,
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
    const pipe = this.redis.pipeline();
    for (const [contact, at] of entries) pipe.call('SET', this.key(tenant, contact), String(at.getTime()), 'EX', String(this.ttlSeconds), 'NX', 'GET');
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new PublishUnavailable(`Redis did not answer within ${this.timeoutMs} ms`)), this.timeoutMs);
    });
    let results: [Error | null, unknown][] | null;
    try {
      results = await Promise.race([pipe.exec(), deadline]);
    } catch (e) {
      throw e instanceof PublishUnavailable ? e : new PublishUnavailable(`Redis: ${(e as Error).message}`);
    } finally {
      clearTimeout(timer);
    }
    const out = new Map<string, Date>();
    entries.forEach(([contact, at], i) => {
      const [err, previous] = results?.[i] ?? [new Error('no reply'), null];
      if (err) throw new PublishUnavailable(`Redis: ${err.message}`);
      const stored = previous === null || previous === undefined ? NaN : Number(previous);
      out.set(contact, Number.isFinite(stored) ? new Date(stored) : at);
    });
    return out;
  }
}

/** The gateway's Redis client: a short wait per command; the caller's deadline bounds the rest. */
export function createGatewayRedis(url: string): Redis {
  const client = new Redis(url, {
    maxRetriesPerRequest: 1, enableOfflineQueue: true, connectionName: 'ingest-gateway',
    retryStrategy: (times) => Math.min(100 * 2 ** Math.min(times, 6), 5000),
  });
  let last = '';
  client.on('error', (e: Error) => {
    if (e.message !== last) process.stderr.write(`redis: connection error: ${e.message}\n`);
    last = e.message;
  });
  client.on('ready', () => { last = ''; });
  return client;
}
