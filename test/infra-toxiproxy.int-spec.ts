import net from 'node:net';
import Redis from 'ioredis';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { uniq } from './support/ids';
import { Toxiproxy } from './support/toxiproxy';
import { waitFor } from './support/wait-for';

const elapsed = async (f: () => Promise<unknown>): Promise<number> => {
  const t = process.hrtime.bigint();
  await f();
  return Number(process.hrtime.bigint() - t) / 1e6;
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const connectError = (port: number) => new Promise<string>((resolve) => {
  const s = net.connect({ host: '127.0.0.1', port });
  s.once('connect', () => { s.destroy(); resolve('connected'); });
  s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
});

/** Proves the fault proxy is real: latency shows up in round trips, a disabled proxy refuses, resets reset. */
describe('infrastructure: Toxiproxy', () => {
  let toxi: Toxiproxy;
  const clients: { disconnect(): unknown }[] = [];
  const redis = (url: string) => {
    const r = new Redis(url, { maxRetriesPerRequest: 0, retryStrategy: () => null, lazyConnect: true });
    r.on('error', () => undefined);
    clients.push(r);
    return r;
  };
  // The first run builds Toxiproxy from its Go module; later runs reuse the binary.
  beforeAll(async () => { toxi = await Toxiproxy.start(); }, 600_000);
  afterAll(async () => {
    for (const c of clients) c.disconnect();
    await toxi?.stop();
  });

  it('adds measurable latency to Redis round trips and takes it away again', async () => {
    const { proxy, url } = await toxi.proxyRedis('infra-test-redis', 6390);
    const r = redis(url);
    await r.connect();
    const pings = async () => { const xs: number[] = []; for (let i = 0; i < 5; i++) xs.push(await elapsed(() => r.ping())); return median(xs); };
    expect(await pings()).toBeLessThan(100);

    const toxic = await proxy.latency(300);
    const slow = await pings();
    expect(slow).toBeGreaterThanOrEqual(300);
    expect(slow).toBeLessThan(1000);

    await proxy.removeToxic(toxic);
    expect(await proxy.toxics()).toEqual([]);
    expect(await pings()).toBeLessThan(100);
  });

  it('refuses connections while the proxy is disabled and serves again once enabled', async () => {
    const { proxy, url } = await toxi.proxyRedis('infra-test-partition', 6391);
    const before = redis(url);
    await before.connect();
    expect(await before.ping()).toBe('PONG');

    await proxy.disable();
    expect(await connectError(proxy.port)).toBe('ECONNREFUSED');
    await expect(before.ping()).rejects.toThrow(); // open connections are cut as well
    await proxy.enable();
    const after = redis(url);
    await after.connect();
    expect(await after.ping()).toBe('PONG');
  });

  it('resets connections with reset_peer and holds them with timeout', async () => {
    const { proxy, url } = await toxi.proxyRedis('infra-test-reset', 6392);
    const r = redis(url);
    await r.connect();
    const reset = await proxy.resetPeer();
    await expect(r.ping()).rejects.toThrow();
    await proxy.removeToxic(reset);

    const held = redis(url);
    await held.connect();
    await proxy.timeout(0); // data is swallowed and the connection stays open: a silent partition
    const outcome = await Promise.race([held.ping().then(() => 'answered', () => 'failed'), new Promise((r) => setTimeout(r, 1000, 'no answer'))]);
    expect(outcome).toBe('no answer');
    await proxy.removeAllToxics();
  });

  it('keeps Kafka clients on the proxy through the broker\'s advertised PROXIED listener', async () => {
    const { proxy, brokers } = await toxi.proxyKafka('infra-test-kafka');
    const kafka = new Kafka({ clientId: 'infra-proxy-test', brokers: [brokers], logLevel: logLevel.NOTHING, retry: { retries: 2, initialRetryTime: 100 } });
    const admin = kafka.admin();
    await admin.connect();
    clients.push({ disconnect: () => admin.disconnect() });
    // Metadata names the proxy, so every later connection (to the partition leader too) is proxied.
    expect((await admin.describeCluster()).brokers.map((b) => `${b.host}:${b.port}`)).toEqual([brokers]);

    const topic = uniq('infra-proxied');
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    clients.push({ disconnect: () => producer.disconnect() });
    const send = (v: string) => producer.send({ topic, acks: -1, messages: [{ value: v }] });
    await send('warm-up');
    expect(await elapsed(() => send('fast'))).toBeLessThan(200);

    const toxic = await proxy.latency(250);
    expect(await elapsed(() => send('slow'))).toBeGreaterThanOrEqual(250);
    await proxy.removeToxic(toxic);

    await proxy.disable();
    await expect(send('cut off')).rejects.toThrow();
    await proxy.enable();
    await waitFor('producing through the proxy again', () => send('back').then(() => true, () => false), 20_000, 200);

    const offsets = await admin.fetchTopicOffsets(topic);
    expect(Number(offsets[0].high)).toBeGreaterThanOrEqual(4);
  }, 60_000);
});
