/*
 * The services' hot path without the consumer's fetch, for changing one thing at a time on a
 * shared machine: each service's real Nest module (handlers, UnitRunner, Committer, real Redis and
 * the real Kafka producer) is fed generated fetches straight into KafkaBatchServer.onBatch, in
 * units of the size a 20 ms fetch holds at the chosen rate, and the CPU this process spent per
 * input event is reported per service. The emotion-detector's customer contributions are fed back
 * to it and its and the sla-monitor's escalation requests go to the router, as in the pipeline.
 * Kafka and Redis must run (`npm run infra:up`).
 *
 *   node -r @swc-node/register scripts/bench/unit-bench.ts [--events 20000] [--unit 40] [--only emotion-detector]
 *     [--profile router]   (a CPU profile of that stage alone; read it with scripts/bench/profile-summary.ts)
 *     [--alloc-profile router]   (where that stage allocates, collected objects included: the GC's work)
 *
 * Measured 2026-12-01 on a quiet machine (20,000 events, units of 40): emotion-detector 239,
 * its contributions 17, sla-monitor 174, router 119 µs per input event (549 in all). It could not
 * start before the sla-monitor's scripts were defined with its Redis client (redisScripts).
 */
import 'reflect-metadata';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { EachBatchPayload, KafkaMessage } from 'kafkajs';
import { loadEnv } from '@cx/config';
import { STRUCTURED_CONTENT_TYPE, Topics, InteractionTopics } from '@cx/contracts';
import { ensureTopics, type KafkaOut, type Publisher } from '@cx/kafka';
import { fnv1a } from '@cx/redis';
import { KafkaBatchServer, PUBLISHER } from '@cx/runtime';
import { EmotionDetectorModule } from '../../apps/emotion-detector/src/app.module';
import { EmotionEnv } from '../../apps/emotion-detector/src/emotion-env';
import { ContributionsHandler, InteractionsHandler } from '../../apps/emotion-detector/src/emotion.handlers';
import { SlaMonitorModule } from '../../apps/sla-monitor/src/app.module';
import { SlaEnv } from '../../apps/sla-monitor/src/sla-env';
import { SlaHandler } from '../../apps/sla-monitor/src/sla.handler';
import { RouterModule } from '../../apps/router/src/app.module';
import { RouterEnv } from '../../apps/router/src/router-env';
import { InboxHandler } from '../../apps/router/src/inbox/inbox.handler';
import { TrafficGenerator } from '../loadgen/traffic-generator';

type Rec = { topic: string; key: Buffer; value: Buffer };
const PARTITIONS = 6;

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
};

/**
 * A V8 CPU profile of one stage alone (`--profile <stage>`), or a sampling allocation profile that
 * keeps what the GC already collected (`--alloc-profile <stage>`: where the bytes the scavenger
 * copies and promotes come from); warm-up and start-up stay out of either.
 */
async function startProfile(kind: 'cpu' | 'alloc'): Promise<() => Promise<string>> {
  const session = new Session();
  session.connect();
  if (kind === 'cpu') {
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
  } else {
    await session.post('HeapProfiler.enable');
    await session.post('HeapProfiler.startSampling', { samplingInterval: 8192, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true } as never);
  }
  return async () => {
    const { profile } = kind === 'cpu' ? await session.post('Profiler.stop') : await session.post('HeapProfiler.stopSampling');
    const file = join(tmpdir(), `unit-bench-${Date.now()}.${kind === 'cpu' ? 'cpuprofile' : 'heapprofile'}`);
    writeFileSync(file, JSON.stringify(profile));
    session.disconnect();
    return file;
  };
}

function envFor(prefix: string): Record<string, string> {
  const keys = join(mkdtempSync(join(tmpdir(), 'cx-unit-bench-')), 'keys.json');
  writeFileSync(keys, JSON.stringify({ 'unit-bench-key-0123456789abcdef': { role: 'admin', tenant: 'default' } }));
  return {
    KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092', REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    TOPIC_PREFIX: `${prefix}.`, REDIS_KEY_PREFIX: `${prefix}:`, TOPIC_PARTITIONS: String(PARTITIONS), LOG_LEVEL: 'error', HTTP_HOST: '127.0.0.1',
    ROUTER_API_KEYS_FILE: keys, SLA_POLICIES_FILE: join(__dirname, '../../deploy/sla/bench-policies.yaml'),
    // Runtime settings to compare (UNIT_MAX_MESSAGES=100000 npm ..., REDIS_SHARDS=8 ...) pass through.
    ...Object.fromEntries(Object.entries(process.env).filter(([k]) => /^(UNIT_|REDIS_SHARDS$|DEDUPE_)/.test(k))),
  };
}

interface Case {
  app: INestApplication;
  server: KafkaBatchServer;
  produced: Rec[];
}

/** One service's module, initialised without its consumer; what it publishes is kept for the next stage. */
async function boot(module: Parameters<typeof NestFactory.create>[0], handlers: Record<string, (app: INestApplication) => unknown>, env: { TOPIC_PREFIX: string; TOPIC_PARTITIONS: number }, produces: string[]): Promise<Case> {
  const app = await NestFactory.create(module, { logger: ['error'] });
  await app.init();
  const server = app.get(KafkaBatchServer, { strict: false });
  const internals = server as unknown as { handlers: Map<string, unknown>; kafka: Parameters<typeof ensureTopics>[0] };
  for (const [topic, h] of Object.entries(handlers)) internals.handlers.set(topic, h(app));
  await ensureTopics(internals.kafka, [...produces, Topics.dlq].map((t) => env.TOPIC_PREFIX + t), env.TOPIC_PARTITIONS, -1);
  const produced: Rec[] = [];
  const publisher = app.get<Publisher>(PUBLISHER, { strict: false });
  const send = publisher.send.bind(publisher);
  publisher.send = async (records: KafkaOut[]) => {
    await send(records);
    for (const r of records) produced.push({ topic: r.topic, key: Buffer.from(r.key as string), value: Buffer.from(r.value as string) });
  };
  return { app, server, produced };
}

let offset = 0;
const headers = { 'content-type': Buffer.from(STRUCTURED_CONTENT_TYPE) };

/** Feeds records as fetches of `unit` messages (split by partition, as kafkajs hands them over); returns CPU µs spent. */
async function feed(c: Case, prefix: string, records: Rec[], unit: number): Promise<number> {
  const server = c.server as unknown as { onBatch(p: EachBatchPayload): Promise<void> };
  const start = process.cpuUsage();
  for (let i = 0; i < records.length; i += unit) {
    const byPartition = new Map<string, KafkaMessage[]>();
    for (const r of records.slice(i, i + unit)) {
      const k = `${r.topic}\u0000${fnv1a(r.key.toString()) % PARTITIONS}`;
      let list = byPartition.get(k);
      if (!list) byPartition.set(k, (list = []));
      list.push({ key: r.key, value: r.value, headers, offset: String(offset++), timestamp: String(Date.now()), attributes: 0 } as unknown as KafkaMessage);
    }
    await Promise.all([...byPartition].map(([k, messages]) => {
      const [topic, partition] = k.split('\u0000');
      const last = messages[messages.length - 1].offset;
      return server.onBatch({
        batch: { topic: prefix + topic, partition: Number(partition), messages, highWatermark: String(Number(last) + 1), lastOffset: () => last },
        isRunning: () => true, isStale: () => false, resolveOffset: () => undefined, heartbeat: async () => undefined,
        commitOffsetsIfNecessary: async () => undefined, uncommittedOffsets: () => ({ topics: [] }),
      } as unknown as EachBatchPayload);
    }));
  }
  const used = process.cpuUsage(start);
  return used.user + used.system;
}

async function main(): Promise<void> {
  const events = Number(arg('events', '20000'));
  const unit = Number(arg('unit', '40'));
  const only = arg('only', '');
  const profile = arg('profile', '');
  const allocProfile = arg('alloc-profile', '');
  const prefix = `unitb${Date.now().toString(36)}`;
  const raw = envFor(prefix);
  const gen = new TrafficGenerator({ seed: 7, conversations: 2000, customers: 5000, negativeShare: 0.15, complaintShare: 0.1, poisonShare: 0, agentReplyRate: 0.7, tenant: 'default', runId: prefix });
  const input: Rec[] = [];
  for (let i = 0; i < events; i++) {
    const g = gen.next(Date.now());
    input.push({ topic: g.topic, key: Buffer.from(g.key), value: Buffer.from(JSON.stringify(g.value)) });
  }
  const warm = Math.min(input.length / 4, 5000);
  const report: Record<string, number> = {};
  const emoEnv = loadEnv(EmotionEnv, raw);
  const byInteraction = (h: (app: INestApplication) => unknown) => Object.fromEntries(InteractionTopics.map((t) => [t, h]));
  const emo = await boot(EmotionDetectorModule.forRoot(emoEnv), {
    ...byInteraction((app) => app.get(InteractionsHandler)), [Topics.customerContributions]: (app) => app.get(ContributionsHandler),
  }, emoEnv, [Topics.signals, Topics.escalations, Topics.customerContributions]);
  const slaEnv = loadEnv(SlaEnv, raw);
  const sla = await boot(SlaMonitorModule.forRoot(slaEnv), byInteraction((app) => app.get(SlaHandler)), slaEnv, [Topics.sla, Topics.escalations]);
  const routerEnv = loadEnv(RouterEnv, raw);
  const router = await boot(RouterModule.forRoot(routerEnv), { [Topics.escalations]: (app) => app.get(InboxHandler) }, routerEnv, [Topics.escalations, Topics.notifications]);
  try {
    const measured = input.slice(warm);
    const run = async (name: string, c: Case, recs: Rec[], per: number) => {
      if (only && only !== name) return;
      const stop = name === profile ? await startProfile('cpu') : name === allocProfile ? await startProfile('alloc') : undefined;
      const us = await feed(c, `${prefix}.`, recs, unit);
      if (stop) process.stderr.write(`unit-bench: profile of ${name} in ${await stop()}\n`);
      report[name] = Math.round(us / per);
      process.stderr.write(`unit-bench: ${name} ${recs.length} messages, ${(us / 1e6).toFixed(2)} s CPU, ${(us / per).toFixed(1)} µs per input event\n`);
    };
    // Warm-up (JIT, connections), then the measured events; contributions and requests follow their causes.
    await feed(emo, `${prefix}.`, input.slice(0, warm), unit);
    await feed(sla, `${prefix}.`, input.slice(0, warm), unit);
    const take = (c: Case, topic: string) => c.produced.splice(0).filter((r) => r.topic === topic);
    take(emo, Topics.customerContributions);
    await feed(router, `${prefix}.`, [...take(emo, Topics.escalations), ...take(sla, Topics.escalations)], unit);
    router.produced.splice(0);
    await run('emotion-detector', emo, measured, measured.length);
    const contributions = emo.produced.filter((r) => r.topic === Topics.customerContributions);
    const emoRequests = emo.produced.filter((r) => r.topic === Topics.escalations);
    await run('emotion-detector (contributions)', emo, contributions, measured.length);
    await run('sla-monitor', sla, measured, measured.length);
    const requests = [...emoRequests, ...sla.produced.filter((r) => r.topic === Topics.escalations)];
    await run('router', router, requests, measured.length);
    const total = ['emotion-detector', 'emotion-detector (contributions)', 'sla-monitor', 'router'].reduce((a, k) => a + (report[k] ?? 0), 0);
    process.stdout.write(JSON.stringify({ events: measured.length, unit, requests: requests.length, contributions: contributions.length, usPerInputEvent: { ...report, total } }) + '\n');
  } finally {
    await Promise.all([emo, sla, router].map((c) => c.app.close()));
  }
}

// Exits explicitly: a closed app still leaves a kafkajs socket open, and --cpu-prof writes its file only on exit.
main().then(() => process.exit(0), (e) => { process.stderr.write(`${(e as Error).stack}\n`); process.exit(1); });
