/*
 * The runtime's Lua commands exist on every client from its creation: ioredis' auto-pipelining
 * puts a command on the pipeline already open for its node, which lacks any command defined after
 * it opened. Defined lazily, the lease claim failed next to other traffic and crashed the process.
 */
import { claimDueAll } from './lease-queue';
import { createRedis, type RedisClient } from './redis-client';

const UNREACHABLE = 'redis://127.0.0.1:1';

describe('createRedis', () => {
  const clients: RedisClient[] = [];
  afterAll(() => clients.forEach((c) => c.disconnect()));
  const make = (nodes?: string[]) => {
    const c = createRedis({ url: UNREACHABLE, clusterNodes: nodes }, 'spec');
    clients.push(c);
    return c;
  };

  it.each([['a single node', undefined], ['a cluster', ['127.0.0.1:1']]])('defines the commit and lease-claim commands on %s and its pipelines', (_, nodes) => {
    const c = make(nodes) as RedisClient & Record<string, unknown>;
    const p = c.pipeline() as unknown as Record<string, unknown>;
    for (const name of ['cxCommit', 'cxLeaseClaim']) {
      expect(typeof c[name]).toBe('function');
      expect(typeof p[name]).toBe('function');
    }
  });

  it('a lease claim in the same tick as another command joins its pipeline (fails only for want of a server)', async () => {
    const c = make();
    const other = c.get('k').catch((e: Error) => e);
    const claim = await claimDueAll(c, ['q'], 0, 1, 10).then(() => undefined, (e: Error) => e);
    await other;
    expect(claim).toBeInstanceOf(Error);
    expect(claim!.message).not.toMatch(/not a function/);
  }, 20_000);

  it("defines a service's own scripts at creation, so they join a pipeline opened by earlier traffic", () => {
    const c = createRedis({ url: UNREACHABLE }, 'spec', [{ name: 'cxSpecScript', numberOfKeys: 1, lua: 'return 1' }]) as RedisClient & Record<string, unknown>;
    clients.push(c);
    expect(typeof (c.pipeline() as unknown as Record<string, unknown>).cxSpecScript).toBe('function');
  });
});

describe('auto-pipelining on a Cluster', () => {
  // ioredis' own decision (internal module): a Cluster groups auto-pipelined commands by the slot of
  // their first argument, which for the commit script is a key count.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { shouldUseAutoPipelining } = require('ioredis/built/autoPipelining') as { shouldUseAutoPipelining(c: unknown, fn: string, cmd: string): boolean };
  const clients: RedisClient[] = [];
  afterAll(() => clients.forEach((c) => c.disconnect()));

  it('sends the commit script on its own (routed by its keys) and keeps pipelining the rest', () => {
    const cluster = createRedis({ url: UNREACHABLE, clusterNodes: ['127.0.0.1:1'] }, 'spec');
    const single = createRedis({ url: UNREACHABLE }, 'spec');
    clients.push(cluster, single);
    expect(shouldUseAutoPipelining(cluster, 'cxCommit', 'cxCommit')).toBe(false);
    expect(shouldUseAutoPipelining(cluster, 'cxLeaseClaim', 'cxLeaseClaim')).toBe(true);
    expect(shouldUseAutoPipelining(cluster, 'hget', 'hget')).toBe(true);
    // A single node has one pipeline for everything: nothing to route, so the commit stays in it.
    expect(shouldUseAutoPipelining(single, 'cxCommit', 'cxCommit')).toBe(true);
  });
});
