import { claimDueAll, createRedis, KeySpace, type RedisClient } from '@cx/redis';
import type { KafkaOut, Publisher } from '@cx/kafka';
import { PipelineMetrics } from '@cx/metrics';
import { Committer, digestOf, OutboxDrainer, type OutEvent } from '@cx/runtime';
import { uniq } from './support/ids';
import { waitFor } from './support/wait-for';

/** The commit script and the outbox against a real Redis (the services' tests use an in-memory stand-in). */
describe('runtime commit script on real Redis', () => {
  let redis: RedisClient;
  let space: KeySpace;
  const sent: KafkaOut[] = [];
  let failSends = 0;
  const publisher: Publisher = { send: async (r) => { if (failSends > 0) { failSends--; throw new Error('broker down'); } sent.push(...r); } };
  const metrics = new PipelineMetrics('commit-test');
  const committer = () => new Committer(redis, space, publisher, metrics, { instanceId: 'i1', markTtlMs: 60_000, outboxLeaseMs: 50 });
  const event = (id: string, subject = 'c1'): OutEvent => ({ topic: 'cx.signals', event: { id, type: 't.v1', subject, time: new Date().toISOString() } });

  beforeAll(() => {
    redis = createRedis({ url: process.env.CX_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379' }, 'commit-test');
    space = new KeySpace(`${uniq('rc')}:`, 'rc', 4);
  });
  afterAll(async () => { await redis.quit(); });
  beforeEach(() => { sent.length = 0; failSends = 0; });

  it('applies a part with its marks and events once; the same marks again are a duplicate', async () => {
    const c = committer();
    const key = space.key(1, 'state:a');
    const part = { shard: 1, entity: 'a', marks: ['m1', 'm2'], commands: [{ name: 'SET', keys: [key], args: ['v1'] }], events: [event('e1')] };
    expect(await c.apply([part])).toEqual(['applied']);
    expect(await redis.get(key)).toBe('v1');
    expect(sent.map((r) => JSON.parse(String(r.value)).id)).toEqual(['e1']);
    expect(await c.apply([{ ...part, marks: ['m2', 'm3'], commands: [{ name: 'SET', keys: [key], args: ['v2'] }] }])).toEqual(['duplicate']);
    expect(await redis.get(key)).toBe('v1');
    expect(await redis.zscore(space.marks(1), 'm3')).toBeNull(); // nothing of a refused part is written
  });

  it('refuses a part whose guarded value changed, and applies the others of the same shard', async () => {
    const c = committer();
    const [k1, k2] = [space.key(2, 'state:x'), space.key(2, 'state:y')];
    await redis.set(k1, 'old');
    const statuses = await c.apply([
      { shard: 2, entity: 'x', guards: [{ key: k1, digest: digestOf('stale') }], commands: [{ name: 'SET', keys: [k1], args: ['new'] }] },
      { shard: 2, entity: 'y', guards: [{ key: k2, digest: '' }], commands: [{ name: 'SET', keys: [k2], args: ['created'] }] },
      { shard: 3, entity: 'z', guards: [{ key: k1.replace('{rc.2}', '{rc.3}'), digest: '' }], commands: [] },
    ]);
    expect(statuses).toEqual(['conflict', 'applied', 'applied']);
    expect([await redis.get(k1), await redis.get(k2)]).toEqual(['old', 'created']);
  });

  it('runs the procedures: assignment sets with their load counts, and newest-wins hash fields', async () => {
    const c = committer();
    const [from, to, load, agents] = ['asg:a1', 'asg:a2', 'load', 'agents'].map((n) => space.key(0, n));
    const move = (id: string, a: string, b: string) => ({ name: '@move', keys: [space.key(0, `asg:${a || b}`), space.key(0, `asg:${b || a}`), load], args: [id, a, b, 60] });
    await c.apply([{ shard: 0, entity: 'e', commands: [move('e1', '', 'a1'), move('e1', '', 'a1'), move('e2', '', 'a1')] }]);
    await c.apply([{ shard: 0, entity: 'e', commands: [move('e1', 'a1', 'a2')] }]);
    expect(await redis.hgetall(load)).toEqual({ a1: '1', a2: '1' });
    expect([await redis.smembers(from), await redis.smembers(to)]).toEqual([['e2'], ['e1']]);
    const put = (at: number, name: string) => ({ name: '@hset-newer', keys: [agents], args: ['a1', at, JSON.stringify({ name, at })] });
    await c.apply([{ shard: 0, entity: 'agents', commands: [put(200, 'new'), put(100, 'old')] }]);
    expect(JSON.parse((await redis.hget(agents, 'a1'))!).name).toBe('new');
  });

  it('publishes fan-out messages only for parts that applied', async () => {
    const sub = redis.duplicate();
    const got: string[] = [];
    const channel = space.single('feed');
    sub.on('message', (_c: string, m: string) => got.push(m));
    await sub.subscribe(channel);
    const k = space.key(1, 'guarded');
    await committer().apply([
      { shard: 1, entity: 'ok', fanout: [{ channel, message: 'yes' }] },
      { shard: 1, entity: 'no', guards: [{ key: k, digest: digestOf('x') }], fanout: [{ channel, message: 'no' }] },
    ]);
    await waitFor('fan-out', () => got.length > 0);
    expect(got).toEqual(['yes']);
    await sub.quit();
  });

  it('keeps committed events in the outbox when Kafka fails, and the drainer publishes them once', async () => {
    const c = committer();
    failSends = 1;
    await expect(c.apply([{ shard: 3, entity: 'q', marks: ['mq'], events: [event('lost-1', 'q'), event('lost-2', 'q')] }])).rejects.toThrow('broker down');
    expect(sent).toEqual([]);
    expect(await redis.hlen(space.outbox(3))).toBe(1);
    const drainer = new OutboxDrainer(redis, space, publisher, c, metrics, 30_000);
    await drainer.tick();
    await drainer.tick();
    expect(sent.map((r) => [r.topic, r.key, JSON.parse(String(r.value)).id])).toEqual([['cx.signals', 'q', 'lost-1'], ['cx.signals', 'q', 'lost-2']]);
    await waitFor('outbox emptied', async () => (await redis.hlen(space.outbox(3))) === 0);
  });

  it('leaves an entry to its committer while its lease runs (no double publish in steady state)', async () => {
    const c = committer();
    const drainer = new OutboxDrainer(redis, space, publisher, c, metrics, 30_000);
    const slow: Publisher = { send: async (r) => { await drainer.tick(); sent.push(...r); } };
    const withSlowKafka = new Committer(redis, space, slow, metrics, { instanceId: 'i2', markTtlMs: 60_000, outboxLeaseMs: 10_000 });
    await withSlowKafka.apply([{ shard: 1, entity: 's', events: [event('once', 's')] }]);
    expect(sent.map((r) => JSON.parse(String(r.value)).id)).toEqual(['once']);
  });

  it('drops a published entry with the next commit call, without a command of its own, or on its own when nothing commits', async () => {
    const own = new KeySpace(`${uniq('ra')}:`, 'ra', 4);
    // A linger far longer than the two calls take, so that only the second call can drop the first entry.
    const c = new Committer(redis, own, publisher, metrics, { instanceId: 'a1', markTtlMs: 60_000, outboxLeaseMs: 30_000, ackLingerMs: 1_000 });
    const hdel = jest.spyOn(redis, 'hdel');
    try {
      await c.apply([{ shard: 2, entity: 'f1', events: [event('first', 'f1')] }]);
      expect(await redis.hexists(own.outbox(2), 'a1.1')).toBe(1); // published, not dropped yet (the linger is long)
      await c.apply([{ shard: 1, entity: 'f2', events: [event('second', 'f2')] }]);
      expect(await redis.hexists(own.outbox(2), 'a1.1')).toBe(0); // dropped by the second call's script
      expect(await redis.zscore(own.outboxDue(2), 'a1.1')).toBeNull();
      expect(await redis.hexists(own.outbox(1), 'a1.2')).toBe(1); // the second one waits for a next call
      expect(hdel).not.toHaveBeenCalled();
      await waitFor('the last entry dropped on its own', async () => (await redis.hlen(own.outbox(1))) === 0, 5_000);
      expect(await redis.zcard(own.outboxDue(1))).toBe(0);
    } finally {
      hdel.mockRestore();
    }
  });

  it('applies changes written ahead in the same call as the unit\'s own parts, also when those are refused', async () => {
    const c = committer();
    const [history, state] = [space.key(3, 'history:h'), space.key(0, 'state:o')];
    await redis.set(state, 'moved on');
    const statuses = await c.apply([
      { shard: 3, entity: 'h', ahead: true, commands: [{ name: 'HSET', keys: [history], args: ['f', 'v'] }] },
      { shard: 0, entity: 'o', guards: [{ key: state, digest: digestOf('as read') }], commands: [{ name: 'SET', keys: [state], args: ['new'] }] },
    ]);
    expect(statuses).toEqual(['applied', 'conflict']);
    expect(await redis.hget(history, 'f')).toBe('v');
    expect(await redis.get(state)).toBe('moved on');
  });
  it('claims every shard\'s due members in one call, per queue in order, up to the limit each, leased', async () => {
    const [a, b, c] = [0, 1, 2].map((s) => space.key(s, 'due'));
    await redis.zadd(a, 100, 'a1', 200, 'a2', 300, 'a3', 5_000, 'a-later');
    await redis.zadd(b, 9_000, 'b-later');
    const commands = Number(/cmdstat_evalsha:calls=(\d+)/.exec(await redis.info('commandstats'))?.[1] ?? 0);
    const claims = await claimDueAll(redis, [a, b, c], 1_000, 60_000, 2);
    expect(Number(/cmdstat_evalsha:calls=(\d+)/.exec(await redis.info('commandstats'))![1]) - commands).toBe(1);
    expect(claims).toEqual([[{ member: 'a1', dueAt: 100 }, { member: 'a2', dueAt: 200 }], [], []]);
    // Claimed ones are leased (re-scored to the lease deadline); the rest wait.
    expect(await redis.zrange(a, 0, -1, 'WITHSCORES')).toEqual(['a3', '300', 'a-later', '5000', 'a1', '60000', 'a2', '60000']);
    expect(await claimDueAll(redis, [a], 1_000, 60_000, 10)).toEqual([[{ member: 'a3', dueAt: 300 }]]);
    expect(await claimDueAll(redis, [a, b], 1_000, 60_000, 10)).toEqual([[], []]);
  });
});
