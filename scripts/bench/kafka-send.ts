/*
 * What one produce request costs a Node process with kafkajs, beside a bare loopback round trip:
 * every consumer unit pays one produce (and one offset commit and one fetch) whatever its size, so
 * this fixed cost is what makes small units expensive (docs/benchmarks/2026-12-02). Sends batches
 * of 1, 10, 40 and 160 messages of 600 bytes with the services' producer settings (acks=all, no
 * compression) to a fresh 6-partition topic, awaiting each, and reports process CPU per send.
 *
 *   node -r @swc-node/register scripts/bench/kafka-send.ts [--brokers 127.0.0.1:9092] [--sends 500]
 *
 * Needs Kafka (`node scripts/infra.js up`); deletes its topic. Prints one JSON line.
 */
import { fork } from 'node:child_process';
import { createConnection, createServer } from 'node:net';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { PRODUCER_SETTINGS } from '@cx/kafka';

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : dflt;
};
const SENDS = Number(arg('sends', '500'));

/** µs of this process's CPU (all threads) per call of `f`, after a warm-up. */
async function cpuPer(n: number, f: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < Math.min(100, n); i++) await f();
  const c0 = process.cpuUsage();
  for (let i = 0; i < n; i++) await f();
  const c = process.cpuUsage(c0);
  return Math.round((c.user + c.system) / n);
}

/** A 600-byte write answered by one byte from another process: the floor under any request. */
async function loopbackRoundTrip(): Promise<number> {
  const child = fork(__filename, ['--echo-server'], { execArgv: ['-r', '@swc-node/register'] });
  const port = await new Promise<number>((resolve) => child.once('message', (m) => resolve(Number(m))));
  const socket = createConnection(port, '127.0.0.1');
  socket.setNoDelay(true);
  await new Promise((r) => socket.once('connect', r));
  const buf = Buffer.alloc(600, 1);
  const us = await cpuPer(SENDS * 10, () => new Promise((r) => { socket.once('data', r); socket.write(buf); }));
  socket.destroy();
  child.kill();
  return us;
}

async function main(): Promise<void> {
  const kafka = new Kafka({ clientId: 'kafka-send-bench', brokers: arg('brokers', '127.0.0.1:9092').split(','), logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const topic = `kafka-send-bench-${Date.now().toString(36)}`;
  await admin.createTopics({ topics: [{ topic, numPartitions: 6 }], waitForLeaders: true });
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false });
  await producer.connect();
  const perSend: Record<string, number> = {};
  try {
    for (const n of [1, 10, 40, 160]) {
      const messages = Array.from({ length: n }, (_, i) => ({ key: `conv-${i}`, value: 'x'.repeat(600), headers: { 'content-type': 'application/cloudevents+json' } }));
      perSend[`${n} messages`] = await cpuPer(SENDS, () => producer.sendBatch({ acks: PRODUCER_SETTINGS.acks, topicMessages: [{ topic, messages }] }));
    }
  } finally {
    await producer.disconnect();
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  }
  process.stdout.write(`${JSON.stringify({ cpuUsPerSend: perSend, cpuUsPerLoopbackRoundTrip: await loopbackRoundTrip(), sends: SENDS })}\n`);
}

if (process.argv.includes('--echo-server')) {
  const server = createServer((s) => { s.setNoDelay(true); s.on('data', (d) => s.write(d.subarray(0, 1))); });
  server.listen(0, '127.0.0.1', () => process.send!((server.address() as { port: number }).port));
} else {
  main().catch((e) => { console.error(e); process.exit(1); });
}
