// Amazon Connect contact starts in the real Redis: the first start any gateway instance proposes
// wins (SET NX GET), later proposals read it back, the key expires, and a Redis that does not
// answer is "unavailable" (503), never a hang.
import { createRedis } from '@cx/redis';
import { RedisContactStartStore } from '../apps/ingest-gateway/src/publishing/redis-contact-start.store';
import { PublishUnavailable } from '../apps/ingest-gateway/src/publishing/ingest-publisher';
import { uniq } from './support/ids';

describe('RedisContactStartStore (real Redis)', () => {
  const url = process.env.CX_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
  const a = createRedis({ url }, 'test');
  const b = createRedis({ url }, 'test');
  const prefix = `${uniq('gw')}:`;
  afterAll(async () => {
    await a.quit();
    await b.quit();
  });

  it('keeps the first proposed start across instances, with a TTL', async () => {
    const one = new RedisContactStartStore(a, prefix, 120, 2000);
    const two = new RedisContactStartStore(b, prefix, 120, 2000);
    const t1 = new Date('2026-03-06T10:00:00.000Z');
    const t2 = new Date('2026-03-06T10:00:05.000Z');
    expect(await one.startOf('acme', new Map([['c-1', t1], ['c-2', t2]]))).toEqual(new Map([['c-1', t1], ['c-2', t2]]));
    expect(await two.startOf('acme', new Map([['c-1', t2]]))).toEqual(new Map([['c-1', t1]]));
    // Tenants do not share contacts.
    expect(await two.startOf('globex', new Map([['c-1', t2]]))).toEqual(new Map([['c-1', t2]]));
    const ttl = await a.ttl(one.key('acme', 'c-1'));
    expect(ttl).toBeGreaterThan(100);
    expect(ttl).toBeLessThanOrEqual(120);
    expect(one.key('acme', 'c-1')).toBe(`${prefix}cx:gw:contact-start:acme:{amazon-connect:c-1}`);
  });

  it('reports an unreachable Redis as unavailable within its deadline', async () => {
    const dead = createRedis({ url: 'redis://127.0.0.1:1' }, 'test');
    const store = new RedisContactStartStore(dead, prefix, 120, 500);
    const t0 = Date.now();
    await expect(store.startOf('acme', new Map([['c-9', new Date()]]))).rejects.toBeInstanceOf(PublishUnavailable);
    expect(Date.now() - t0).toBeLessThan(1500);
    dead.disconnect();
  });
});
