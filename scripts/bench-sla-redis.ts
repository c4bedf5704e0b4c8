// Benchmarks the SLA timer store on the real Redis and prints one JSON object:
//   node -r @swc-node/register scripts/bench-sla-redis.ts [--clocks 1000000] [--rate 10000] [--seconds 10] [--burst 50000]
//     [--kafka [--publish-worker]] [--tick 50] [--claim 500]
// 1. Loads `clocks` open clocks (conversations with a firstResponse and a resolution clock, written
//    in the service's layout) and reports Redis bytes per open clock (INFO used_memory delta, and
//    MEMORY USAGE sampling).
// 2. Steady load: `rate` firstResponse timers per second come due for `seconds`, fired by one
//    SlaScheduler (the service's code) into a counting publisher; p50/p99/max fire lateness.
// 3. Burst: `burst` timers due at the same instant; timers fired per second while draining (0: skip).
// With --kafka the publisher is the service's EventPublisher on the real broker (KAFKA_BROKERS,
// default 127.0.0.1:9092, acks from all replicas) and lateness is measured once Kafka acknowledged,
// so the figure is end to end; without it, a counting publisher (Redis and the engine only).
// Uses a unique REDIS_KEY_PREFIX (and topic prefix) and deletes its keys (and topics) afterwards.
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import type { InteractionEvent } from '@cx/contracts';
import { Topics } from '@cx/contracts';
import { EventPublisher, WorkerPublisher, type KafkaOut, type Publisher } from '@cx/kafka';
import { PipelineMetrics } from '@cx/metrics';
import { createRedis, KeySpace } from '@cx/redis';
import { Committer } from '@cx/runtime';
import { applyEvent, compilePolicies, encodeState, nextDueOf, openClocks } from '@cx/sla';
import { convKey, SlaKeys } from '../apps/sla-monitor/src/sla-keys';
import { SlaMetrics } from '../apps/sla-monitor/src/sla-metrics';
import { SlaScheduler } from '../apps/sla-monitor/src/sla.scheduler';
import type { WatermarkReader } from '../apps/sla-monitor/src/sla-watermarks';
import { PolicyVersions } from '../apps/sla-monitor/src/sla-policy-versions';

const { values } = parseArgs({ options: {
  clocks: { type: 'string', default: '1000000' }, rate: { type: 'string', default: '10000' },
  seconds: { type: 'string', default: '10' }, burst: { type: 'string', default: '50000' }, shards: { type: 'string', default: '32' },
  kafka: { type: 'boolean', default: false }, 'publish-worker': { type: 'boolean', default: false }, partitions: { type: 'string', default: '6' },
  tick: { type: 'string', default: '50' }, claim: { type: 'string', default: '500' },
} });
const CLOCKS = Number(values.clocks);
const RATE = Number(values.rate);
const SECONDS = Number(values.seconds);
const BURST = Number(values.burst);
const TARGET_MS = 60_000;
const policies = compilePolicies({ policies: [{ id: 'bench', match: {}, targets: { firstResponse: 'PT60S', resolution: 'PT24H' } }] }, 'bench');
const redis = createRedis({ url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' }, 'bench-sla');
const runId = `bench-sla-${randomBytes(4).toString('hex')}`;
const space = new KeySpace(`${runId}:`, 'sla', Number(values.shards));
const keys = new SlaKeys(space);
/** No consumer runs here: the input counts as consumed up to now. */
const watermark = { current: async () => Date.now(), possibleAt: (at: number) => at } as unknown as WatermarkReader;

async function openClockCounts(): Promise<Record<string, number>> {
  const all = await Promise.all(space.allShards().map((s) => redis.hgetall(keys.open(s))));
  const out: Record<string, number> = {};
  for (const h of all) for (const [m, n] of Object.entries(h)) out[m] = (out[m] ?? 0) + Number(n);
  return out;
}

async function usedMemory(): Promise<number> {
  return Number(/used_memory:(\d+)/.exec(await redis.info('memory'))![1]);
}

function customerMessage(conv: string, time: number): InteractionEvent {
  // Plain objects: the contract parse is not what is measured here.
  return {
    specversion: '1.0', id: `${conv}-1`, source: 'bench', type: 'cx.message.v1', time: new Date(time).toISOString(), subject: conv, tenantid: 'default',
    data: { conversationId: conv, channel: 'chat', messageId: 'm1', author: { role: 'customer' }, text: 'hello' },
  } as unknown as InteractionEvent;
}

/** Writes conversations whose firstResponse is due at dueOf(i), as the consumer would (state, timers, open counts). */
async function load(count: number, label: string, dueOf: (i: number) => number): Promise<void> {
  for (let start = 0; start < count; start += 5_000) {
    const p = redis.pipeline();
    for (let i = start; i < Math.min(count, start + 5_000); i++) {
      const conv = `${label}-${i.toString(36).padStart(6, '0')}-7f3a9c21`;
      const r = applyEvent(undefined, customerMessage(conv, dueOf(i) - TARGET_MS), policies);
      const ck = convKey({ tenantid: 'default', conversationId: conv });
      const { shard, key } = keys.conversation(ck);
      p.set(key, encodeState(r.state), 'EX', 30 * 24 * 3600);
      p.zadd(keys.due(shard), nextDueOf(conv, r.state, policies)!, ck);
      for (const [m, n] of Object.entries(openClocks(r.state, policies))) p.hincrby(keys.open(shard), m, n);
    }
    await p.exec();
  }
}

async function sampleBytes(): Promise<{ statePerConversation: number; perDueEntry: number }> {
  let stateBytes = 0;
  let n = 0;
  let cursor = '0';
  do {
    const [next, found] = await (redis as unknown as import('ioredis').default).scan(cursor, 'MATCH', `${space.base}*:s:*`, 'COUNT', 1000);
    cursor = next;
    for (const k of found.slice(0, 200 - n)) { stateBytes += Number(await redis.memory('USAGE', k)); n++; }
  } while (cursor !== '0' && n < 200);
  let zBytes = 0;
  let members = 0;
  for (const s of space.allShards()) {
    zBytes += Number(await redis.memory('USAGE', keys.due(s), 'SAMPLES', 0));
    members += await redis.zcard(keys.due(s));
  }
  return { statePerConversation: Math.round(stateBytes / n), perDueEntry: Math.round(zBytes / members) };
}

// --kafka: the service's publisher on the real broker, topics under a private prefix.
const kafka = values.kafka
  ? new Kafka({ clientId: runId, brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','), logLevel: logLevel.WARN })
  : undefined;
const topicPrefix = `${runId}.`;
const benchTopics = [Topics.sla, Topics.escalations].map((t) => topicPrefix + t);
let kafkaPublisher: Publisher | undefined;
let workerPublisher: WorkerPublisher | undefined;

async function createTopics(): Promise<void> {
  const admin = kafka!.admin();
  await admin.connect();
  try {
    await admin.createTopics({ waitForLeaders: true, topics: benchTopics.map((topic) => ({ topic, numPartitions: Number(values.partitions) })) });
  } finally {
    await admin.disconnect();
  }
  // Connect before the clock starts (a private topic: the warm-up record is deleted with it).
  const warmUp: KafkaOut[] = [{ topic: Topics.sla, key: 'warm-up', value: '{}' }];
  if (values['publish-worker']) {
    // The producer on a worker thread (KAFKA_PUBLISH_WORKER).
    workerPublisher = new WorkerPublisher({ brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','), clientId: runId }, topicPrefix);
    kafkaPublisher = workerPublisher;
  } else {
    kafkaPublisher = new EventPublisher(kafka!, topicPrefix);
  }
  await kafkaPublisher.send(warmUp);
}

async function deleteTopics(): Promise<void> {
  if (kafkaPublisher instanceof EventPublisher) await kafkaPublisher.close();
  await workerPublisher?.close();
  const admin = kafka!.admin();
  await admin.connect();
  try {
    await admin.deleteTopics({ topics: benchTopics });
  } finally {
    await admin.disconnect();
  }
}

async function fireFor(expected: number, rateLabel: string) {
  const lateness: number[] = [];
  let firstEmit = 0;
  let lastEmit = 0;
  const publisher: Publisher = {
    async send(records: KafkaOut[]) {
      if (kafkaPublisher) await kafkaPublisher.send(records); // lateness counts from Kafka's ack
      const now = Date.now();
      for (const r of records) {
        const event = JSON.parse(String(r.value)) as { type: string; data: { at: string } };
        if (event.type !== 'cx.sla.breached.v1') continue;
        lateness.push(now - Date.parse(event.data.at));
        firstEmit ||= now;
        lastEmit = now;
      }
    },
  };
  const pipeline = new PipelineMetrics(`bench-${rateLabel}`);
  const metrics = new SlaMetrics(pipeline, policies.policies, openClockCounts);
  const versions = new PolicyVersions(redis, keys);
  await versions.use({ set: policies, text: 'bench' });
  const committer = new Committer(redis, space, publisher, pipeline, { instanceId: runId, markTtlMs: 0, outboxLeaseMs: 30_000 });
  const scheduler = new SlaScheduler(redis, keys, committer, versions, watermark, metrics, {
    tickMs: Number(values.tick), claimBatch: Number(values.claim), leaseMs: 5_000, graceMs: 0, escalateOn: 'breach',
  });
  const started = Date.now();
  const cpu = process.cpuUsage();
  const elu = performance.eventLoopUtilization();
  scheduler.start();
  while (lateness.length < expected && Date.now() - started < 120_000) await new Promise((r) => setTimeout(r, 100));
  await scheduler.stop();
  const used = process.cpuUsage(cpu);
  const loop = performance.eventLoopUtilization(elu);
  lateness.sort((a, b) => a - b);
  const q = (p: number) => lateness[Math.min(lateness.length - 1, Math.floor(p * lateness.length))];
  return { fired: lateness.length, p50Ms: q(0.5), p99Ms: q(0.99), maxMs: lateness[lateness.length - 1], timersPerSec: Math.round(lateness.length / Math.max(0.001, (lastEmit - firstEmit) / 1000)),
    // This process's CPU (all threads: scheduler, engine, ioredis, kafkajs) per fired timer, and how
    // busy the event loop was: steadier than lateness on a shared machine.
    cpuUsPerTimer: Math.round((used.user + used.system) / Math.max(1, lateness.length)), eventLoopBusy: Math.round(loop.utilization * 100) / 100 };
}

async function cleanup(): Promise<void> {
  let cursor = '0';
  do {
    const [next, found] = await (redis as unknown as import('ioredis').default).scan(cursor, 'MATCH', space.pattern(), 'COUNT', 5000);
    cursor = next;
    if (found.length) await redis.unlink(...found);
  } while (cursor !== '0');
}

async function main(): Promise<void> {
  const out: Record<string, unknown> = { clocks: CLOCKS, shards: space.shards, kafka: !!kafka, publishWorker: !!kafka && values['publish-worker'], tickMs: Number(values.tick), claimBatch: Number(values.claim) };
  try {
    if (kafka) await createTopics();
    const steady = RATE * SECONDS;
    const conversations = CLOCKS / 2; // each open conversation: firstResponse + resolution
    const before = await usedMemory();
    let t = performance.now();
    // Most conversations come due in an hour; the last `steady` ones at RATE/s from `start`.
    await load(conversations - steady, 'c', (i) => Date.now() + 3_600_000 + i);
    const start = Date.now() + 5_000 + steady / 10; // time to write the steady set first
    await load(steady, 's', (i) => start + Math.floor((i * 1000) / RATE));
    out.loadSeconds = Math.round((performance.now() - t) / 100) / 10;
    const after = await usedMemory();
    out.openClocks = await openClockCounts();
    out.bytesPerOpenClock = Math.round((after - before) / CLOCKS);
    out.sampled = await sampleBytes();
    const wait = start - Date.now();
    out.steadyStartsInMs = wait;
    if (wait < 0) throw new Error('loading took longer than the lead time: lower --clocks');
    await new Promise((r) => setTimeout(r, wait - 1_000));
    t = performance.now();
    out.steady = { rate: RATE, seconds: SECONDS, ...(await fireFor(steady, 'steady')) };
    // Burst: BURST timers all due now, on top of the remaining open clocks.
    if (BURST <= 0) return;
    const burstAt = Date.now() + 2_000;
    await load(BURST, 'b', () => burstAt);
    await new Promise((r) => setTimeout(r, Math.max(0, burstAt - Date.now())));
    out.burst = { timers: BURST, ...(await fireFor(BURST, 'burst')) };
  } finally {
    await cleanup();
    await redis.quit();
    if (kafka) await deleteTopics().catch((e: Error) => process.stderr.write(`deleting topics ${benchTopics.join(', ')}: ${e.message}\n`));
    process.stdout.write(`${JSON.stringify(out, null, 1)}\n`);
  }
}

main().catch((e) => { process.stderr.write(`${(e as Error).stack}\n`); process.exit(1); });
