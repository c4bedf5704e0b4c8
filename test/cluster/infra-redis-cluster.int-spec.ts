import { Cluster } from 'ioredis';
import { claimDueAll, createRedis, KeySpace } from '@cx/redis';
import { clusterFaults, redisClusterNodes } from '../support/cluster-faults';
import { uniq } from '../support/ids';
import { waitFor } from '../support/wait-for';

/** Proves the cluster tier's Redis is a real 3-master cluster that a client survives a master restart on. */
describe('infrastructure: Redis Cluster', () => {
  let cluster: Cluster;
  const masterOf = async (key: string): Promise<number> => {
    const slot = Number(await cluster.call('CLUSTER', 'KEYSLOT', key));
    const owner = ((await cluster.call('CLUSTER', 'SLOTS')) as [number, number, [string, number]][]).find(([from, to]) => slot >= from && slot <= to);
    return owner![2][1];
  };

  beforeAll(async () => {
    cluster = new Cluster(redisClusterNodes(), {
      clusterRetryStrategy: () => 200,
      redisOptions: { maxRetriesPerRequest: 1, connectTimeout: 1000 },
    });
    cluster.on('error', () => undefined); // a stopped master is the point of one test
    await cluster.ping();
  });
  afterAll(() => cluster.quit());

  it('spreads writes across all three masters and refuses a transaction across slots', async () => {
    const prefix = uniq('spread');
    const keys = Array.from({ length: 60 }, (_, i) => `${prefix}:${i}`);
    await Promise.all(keys.map((k) => cluster.set(k, k, 'EX', 600)));

    const masters = cluster.nodes('master');
    expect(masters).toHaveLength(3);
    const perMaster = await Promise.all(masters.map(async (m) => (await m.keys(`${prefix}:*`)).length));
    expect(perMaster.every((n) => n > 0)).toBe(true);
    expect(perMaster.reduce((a, b) => a + b, 0)).toBe(60);

    // One hash tag, one slot: a unit's MULTI works; keys of two slots cannot share one.
    const tag = `{${uniq('conv')}}`;
    expect(await cluster.multi().set(`${tag}:state`, '1').set(`${tag}:dedupe`, '1').exec()).toEqual([[null, 'OK'], [null, 'OK']]);
    const tagSlot = Number(await cluster.call('CLUSTER', 'KEYSLOT', `${tag}:state`));
    const slots = await Promise.all(keys.map(async (k) => Number(await cluster.call('CLUSTER', 'KEYSLOT', k))));
    const other = keys.find((_, i) => slots[i] !== tagSlot)!;
    await expect(cluster.mset(`${tag}:state`, '2', other, '2')).rejects.toThrow(/CROSSSLOT/);
  });

  it('claims the due members of queues in slots on different masters, per queue in order', async () => {
    const client = createRedis({ url: 'redis://127.0.0.1', clusterNodes: redisClusterNodes().map((n) => `${n.host}:${n.port}`) }, 'claim-spec');
    try {
      const space = new KeySpace(`${uniq('claim')}:`, 'cl', 32);
      const queues = space.allShards().map((s) => space.key(s, 'due'));
      expect(new Set(await Promise.all(queues.map(masterOf))).size).toBe(3);
      await Promise.all(queues.map((q, i) => cluster.zadd(q, i, `m${i}`, 10_000, `later${i}`)));
      const claims = await claimDueAll(client, queues, 1_000, 60_000, 10);
      expect(claims).toEqual(queues.map((_, i) => [{ member: `m${i}`, dueAt: i }]));
      expect(await cluster.zscore(queues[31], 'm31')).toBe('60000');
    } finally {
      await client.quit();
    }
  });

  it('serves the other masters while one is down and has its data back after the restart (AOF)', async () => {
    const prefix = uniq('restart');
    const keys = Array.from({ length: 30 }, (_, i) => `${prefix}:${i}`);
    await Promise.all(keys.map((k) => cluster.set(k, `v-${k}`)));
    const owners = await Promise.all(keys.map(masterOf));
    const victim = owners[0];
    const onVictim = keys.filter((_, i) => owners[i] === victim);
    const elsewhere = keys.filter((_, i) => owners[i] !== victim);
    expect(onVictim.length).toBeGreaterThan(0);
    expect(elsewhere.length).toBeGreaterThan(0);

    await clusterFaults.stopRedisMaster(victim);
    try {
      expect(await clusterFaults.redisClusterHealthy()).toBe(false);
      // The other two masters keep their slots (cluster-require-full-coverage no) ...
      await waitFor('a write to another master', async () => (await cluster.set(elsewhere[0], 'during')) === 'OK', 10_000, 200);
      // ... while the victim's slots are unavailable.
      await expect(cluster.set(onVictim[0], 'lost')).rejects.toThrow();
    } finally {
      await clusterFaults.restartRedisMaster(victim);
    }

    // The same client reconnects by itself; what the victim held came back from its AOF.
    const after = await waitFor('victim keys readable', async () => {
      const v = await cluster.mget(onVictim[0]).catch(() => undefined);
      return v?.[0] === `v-${onVictim[0]}` ? v : undefined;
    }, 20_000, 200);
    expect(after).toEqual([`v-${onVictim[0]}`]);
    for (const k of onVictim) expect(await cluster.get(k)).toBe(`v-${k}`);
    expect(await cluster.get(elsewhere[0])).toBe('during');
    expect(await cluster.set(onVictim[0], 'again')).toBe('OK');
  }, 90_000);
});
