/*
 * The committer's outbox acknowledgements on shutdown, with a fake Redis that answers them late
 * (a busy node) and forgets whatever is unanswered when it quits, as a client does at exit. The
 * race it reproduces left published entries in the outbox of an sla-monitor that left on SIGTERM,
 * and another instance's drainer published them again once their lease ran out.
 */
import { KeySpace, type RedisClient } from '@cx/redis';
import type { KafkaOut, Publisher } from '@cx/kafka';
import { PipelineMetrics } from '@cx/metrics';
import { Committer } from './committer';

/** The outbox part of Redis: hash and due index, with replies that wait for release() (or are lost at quit()). */
class LateRedis {
  readonly outbox = new Map<string, string>();
  readonly due = new Map<string, number>();
  private held: (() => void)[] = [];
  private closed = false;

  cxLeaseClaim(): Promise<string[]> { return Promise.resolve([]); }
  defineCommand(): void { /* scripts are fakes here */ }
  cxCommit(numKeys: number, ...a: (string | number)[]): Promise<number[]> {
    // After the keys: now, mark TTL, outbox id, lease deadline, parts... (commit-script.ts). One part, applied.
    const [id, lease] = [String(a[numKeys + 2]), Number(a[numKeys + 3])];
    this.outbox.set(id, 'line');
    this.due.set(id, lease);
    return Promise.resolve([1]);
  }
  hdel(_k: string, id: string): Promise<number> { return this.later(() => Number(this.outbox.delete(id))); }
  zrem(_k: string, id: string): Promise<number> { return this.later(() => Number(this.due.delete(id))); }
  zadd(_k: string, score: number, id: string): Promise<number> { return this.later(() => { this.due.set(id, score); return 1; }); }

  release(): void { for (const h of this.held.splice(0)) h(); }
  /** What a client does when the process exits: unanswered commands never reach the server. */
  quit(): void { this.closed = true; this.held = []; }

  private later<T>(apply: () => T): Promise<T> {
    return new Promise<T>((resolve) => { if (!this.closed) this.held.push(() => resolve(apply())); });
  }
}

describe('Committer outbox acknowledgements', () => {
  const keys = new KeySpace('t:', 'rt', 4);
  const sent: KafkaOut[] = [];
  const publisher: Publisher = { send: async (r) => { sent.push(...r); } };
  const part = () => ({ shard: 1, entity: 'c1', events: [{ topic: 'cx.sla', event: { id: 'w1', type: 'cx.sla.warning.v1', subject: 'c1', time: '2026-12-01T17:05:45.000Z' } }] });
  const make = (redis: LateRedis) => new Committer(redis as unknown as RedisClient, keys, publisher, new PipelineMetrics('committer-spec'), { instanceId: 'i1', markTtlMs: 0, outboxLeaseMs: 30_000 });
  const tick = () => new Promise((r) => setImmediate(r));
  beforeEach(() => { sent.length = 0; });

  it('settled() resolves only once Redis has answered the acknowledgement of the last publish', async () => {
    const redis = new LateRedis();
    const c = make(redis);
    expect(await c.apply([part()])).toEqual(['applied']);
    expect(sent).toHaveLength(1);
    let done = false;
    const settled = c.settled().then(() => { done = true; });
    await tick();
    expect(done).toBe(false); // the acknowledgement is still unanswered
    redis.release();
    await settled;
    expect([...redis.outbox.keys(), ...redis.due.keys()]).toEqual([]);
  });

  it('a shutdown that awaits settled() before quitting leaves no published entry for another drainer; one that does not, leaves it', async () => {
    const careful = new LateRedis();
    const c1 = make(careful);
    await c1.apply([part()]);
    const shutdown = c1.settled().then(() => careful.quit());
    careful.release(); // the node answers late, but before the client quits
    await shutdown;
    expect(careful.outbox.size).toBe(0);

    const hasty = new LateRedis();
    await make(hasty).apply([part()]);
    hasty.quit(); // the old order: Redis closed with the acknowledgement in flight
    expect([...hasty.outbox.keys()]).toEqual(['i1.1']); // published, still leased: republished 30 s later
  });

  it('tracks the hand-over of a failed publish too', async () => {
    const redis = new LateRedis();
    const failing: Publisher = { send: async () => { throw new Error('broker down'); } };
    const c = new Committer(redis as unknown as RedisClient, keys, failing, new PipelineMetrics('committer-spec-2'), { instanceId: 'i2', markTtlMs: 0, outboxLeaseMs: 30_000 });
    await expect(c.apply([part()])).rejects.toThrow('broker down');
    let done = false;
    const settled = c.settled().then(() => { done = true; });
    await tick();
    expect(done).toBe(false);
    redis.release();
    await settled;
    expect(redis.due.get('i2.1')).toBeLessThan(Date.now() + 1_000); // due now: the drainer publishes it at once
  });
});
