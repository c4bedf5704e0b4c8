// `npm run bench`: starts Kafka/Redis (or reuses them), measures the consumer ceiling (bare kafkajs and
// Kafka's ConsumerPerformance) against the emotion-detector draining the same backlog, the no-op
// pipeline (the same topology with empty handlers) at the live rate, then runs the three services
// under steady load and reports CPU per input event, end-to-end latency, SLA fire lateness, RSS and
// lag over time; `--ramp` then raises the rate until it no longer holds, `--contention` keeps half a
// core busy meanwhile. Writes report.json, report.md and latency-lag.png (docs/benchmarks/README.md).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { CompressionTypes, Kafka, logLevel, Partitioners, type Message } from 'kafkajs';
import { BaseEnv, loadEnv } from '@cx/config';
import { InteractionTopics, STRUCTURED_CONTENT_TYPE, Topics } from '@cx/contracts';
import { isolatedEnv, startServiceProcess, type ServiceProcess } from '../test/support/service-process';
import { TrafficGenerator } from './loadgen/traffic-generator';
import { bareKafkajs, kafkaConsumerPerformance, type Throughput } from './bench/consumer-ceiling';
import { groupLag } from './bench/consumer-lag';
import { startContention, type Contention } from './bench/contention';
import { interactionTopics, runLiveLoad } from './bench/live-load';
import { runNoopPipeline } from './bench/noop-pipeline';
import { infraState } from './bench/infra-state';
import { listenerPid } from './bench/process-cpu';
import { productionRuntime } from './bench/production-runtime';
import { judgeStep, ramp, type RampResult } from './bench/ramp';
import { writeReport } from './bench/report-writer';
import { checks, SERVICES } from './bench/targets';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const infra = require('./infra.js');

const o = new Command('bench')
  .option('--rate <n>', 'live phase events/s', Number, 2000)
  .option('--duration <s>', 'live phase seconds, measured', Number, 300)
  .option('--warmup <s>', 'seconds of load before the measured phase (not judged, reported)', Number, 30)
  .option('--backlog <n>', 'messages for the ceiling phase', Number, 100_000)
  .option('--seed <n>', 'traffic seed', Number, 7)
  .option('--out <dir>', 'report directory', `bench-results/${new Date().toISOString().replace(/[:.]/g, '-')}`)
  .option('--skip-ceiling', 'leave out the backlog drain (bare kafkajs, ConsumerPerformance, emotion-detector)')
  .option('--skip-noop', 'leave out the no-op pipeline')
  .option('--noop-duration <s>', 'no-op pipeline seconds, measured (after 15 s of warm-up)', Number, 60)
  .option('--ramp', 'after the live phase, raise the rate in steps until it no longer holds')
  .option('--ramp-from <n>', 'first ramp rate', Number, 2000)
  .option('--ramp-step <n>', 'ramp increment', Number, 1000)
  .option('--ramp-max <n>', 'last ramp rate tried', Number, 10000)
  .option('--ramp-duration <s>', 'seconds measured per ramp step (after 15 s of warm-up)', Number, 60)
  .option('--contention [share]', 'keep this share of one core busy during the live phase and the ramp', (v) => Number(v), undefined)
  .option('--no-build', 'run the existing dist/ build (after npm run build)')
  .parse().opts();
const contentionShare: number | undefined = o.contention === true ? 0.5 : o.contention;

const log = (m: string) => process.stderr.write(`bench: ${m}\n`);

/** The services (and the no-op pipeline's stages) run with production's V8 options, as deployed. */
const PRODUCTION = productionRuntime();

async function produceBacklog(kafka: Kafka, topic: string, n: number, seed: number): Promise<void> {
  const gen = new TrafficGenerator({ seed, conversations: 2000, customers: 5000, negativeShare: 0.15, complaintShare: 0.1, poisonShare: 0, agentReplyRate: 0.8, tenant: 'default', runId: `c${seed}` });
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  for (let sent = 0; sent < n;) {
    const messages: Message[] = [];
    for (let i = 0; i < 2000 && sent < n; i++, sent++) {
      const g = gen.next(Date.now());
      messages.push({ key: g.key, value: JSON.stringify(g.value), headers: { 'content-type': STRUCTURED_CONTENT_TYPE } });
    }
    await producer.send({ topic, acks: -1, compression: CompressionTypes.None, messages });
  }
  await producer.disconnect();
}

async function ceiling(kafka: Kafka, brokers: string, keysFile: string) {
  const prefix = `benchc${Date.now().toString(36)}.`;
  const topic = prefix + Topics.chat;
  const admin = kafka.admin();
  await admin.connect();
  // A broker that has just started may not know its own partitions yet: retry, bounded.
  for (let attempt = 1; ; attempt++) {
    try {
      await admin.createTopics({ waitForLeaders: true, topics: InteractionTopics.map((t) => ({ topic: prefix + t, numPartitions: 6 })) });
      await admin.fetchTopicMetadata({ topics: InteractionTopics.map((t) => prefix + t) });
      break;
    } catch (e) {
      if (attempt >= 20) throw e;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  log(`ceiling: producing a backlog of ${o.backlog} events to ${topic}`);
  await produceBacklog(kafka, topic, o.backlog, o.seed);
  const bare = await bareKafkajs(kafka, topic, o.backlog, loadEnv(BaseEnv, {}).KAFKA_PARTITION_CONCURRENCY);
  log(`ceiling: bare kafkajs ${bare.perSec}/s`);
  const perf = kafkaConsumerPerformance(join(infra.KAFKA_DIR, 'libs'), brokers, topic, o.backlog);
  log(`ceiling: ConsumerPerformance ${perf.fetchPerSec}/s (fetch), ${perf.perSec}/s (incl. join)`);
  const group = `${prefix}emotion`;
  const env = isolatedEnv(prefix.slice(0, -1), { ROUTER_API_KEYS_FILE: keysFile, EMOTION_GROUP_ID: group, LOG_LEVEL: 'warn', TOPIC_PARTITIONS: '6', ...PRODUCTION.env });
  const svc = await startServiceProcess('emotion-detector', env, { nodeArgs: PRODUCTION.nodeArgs });
  let first = 0;
  let last = o.backlog;
  let rssMb = 0;
  for (;;) {
    const lag = await groupLag(admin, group, interactionTopics(prefix)).catch(() => o.backlog);
    if (!first && lag < o.backlog) first = Date.now();
    if (lag === 0) break;
    last = lag;
    const m = await fetch(`${svc.url}/metrics`).then((r) => r.text()).catch(() => '');
    rssMb = Math.max(rssMb, Math.round(Number(/process_resident_memory_bytes\{[^}]*\} (\S+)/.exec(m)?.[1] ?? 0) / 2 ** 20));
    await new Promise((r) => setTimeout(r, 100));
  }
  const seconds = (Date.now() - first) / 1000;
  await svc.stop();
  await admin.disconnect();
  const emotion: Throughput = { messages: o.backlog, seconds, perSec: Math.round(o.backlog / seconds) };
  log(`ceiling: emotion-detector ${emotion.perSec}/s (last lag seen ${last})`);
  return { topic, bare, consumerPerformance: perf, emotionDetector: { ...emotion, peakRssMb: rssMb },
    ratioToBare: +(emotion.perSec / bare.perSec).toFixed(2), ratioToConsumerPerformance: +(emotion.perSec / perf.fetchPerSec).toFixed(2) };
}

interface Infra { brokers: string; redisUrl: string; startedKafka: boolean; startedRedis: boolean }

/** Processes whose CPU the report shows beside the services': the broker, Redis, this process. */
function infraPids(r: Infra, contention?: Contention): Record<string, number | undefined> {
  return {
    kafka: listenerPid(Number(r.brokers.split(':').at(-1))), redis: listenerPid(Number(new URL(r.redisUrl).port || 6379)),
    bench: process.pid, ...(contention ? { contention: contention.pid } : {}),
  };
}

async function live(kafka: Kafka, r: Infra, keysFile: string, apiKey: string) {
  const prefix = `benchl${Date.now().toString(36)}`;
  const env = isolatedEnv(prefix, { ROUTER_API_KEYS_FILE: keysFile, SLA_POLICIES_FILE: join(__dirname, '..', 'deploy/sla/bench-policies.yaml'), TOPIC_PARTITIONS: '6', LOG_LEVEL: 'warn', ...PRODUCTION.env });
  const services: ServiceProcess[] = [];
  for (const app of ['router', 'emotion-detector', 'sla-monitor'] as const) services.push(await startServiceProcess(app, env, { nodeArgs: PRODUCTION.nodeArgs }));
  const admin = kafka.admin();
  await admin.connect();
  const p = `${prefix}.`;
  const groups = {
    'emotion-detector': { group: env.EMOTION_GROUP_ID, topics: interactionTopics(p) },
    'sla-monitor': { group: env.SLA_GROUP_ID, topics: interactionTopics(p) },
    router: { group: env.ROUTER_GROUP_ID, topics: [p + Topics.escalations] },
  };
  const contention = contentionShare ? startContention(contentionShare) : undefined;
  if (contention) log(`contention: keeping ${contentionShare} of a core busy (pid ${contention.pid})`);
  const extraPids = infraPids(r, contention);
  try {
    log(`live: ${o.rate} events/s for ${o.duration} s (+${o.warmup} s warm-up)`);
    const run = await runLiveLoad({ kafka, admin, prefix: p, rate: o.rate, duration: o.duration, warmup: o.warmup, seed: o.seed, services, apiKey, groups, extraPids });
    log(`live: p99 ${run.latencyMs?.p99 ?? '-'} ms, CPU ${run.cpu.cpuUsPerEvent.total} µs/event ${JSON.stringify(run.cpu.cpuUsPerEvent)}`);
    let rampResult: RampResult | undefined;
    if (o.ramp) {
      const warmup = 15;
      rampResult = await ramp(async (rate, i) => {
        const step = await runLiveLoad({ kafka, admin, prefix: p, rate, duration: o.rampDuration, warmup, seed: o.seed + 1 + i, services, apiKey, groups, extraPids, drainTimeoutMs: 30_000 });
        return judgeStep(rate, step, { warmup, duration: o.rampDuration, groups: Object.keys(groups), services: SERVICES });
      }, { from: o.rampFrom, step: o.rampStep, max: o.rampMax }, log);
    }
    return { run, ramp: rampResult };
  } finally {
    await contention?.stop();
    await admin.disconnect();
    // What the services said and counted (retries, conflicts, unit durations) explains a bad run.
    mkdirSync(o.out, { recursive: true });
    await Promise.all(services.map(async (s) => {
      const metrics = await fetch(`${s.url}/metrics`).then((r) => r.text()).catch(() => '');
      writeFileSync(join(o.out, `${s.app}.metrics.txt`), metrics);
    }));
    await Promise.all(services.map((s) => s.stop()));
    for (const s of services) writeFileSync(join(o.out, `${s.app}.log`), s.output());
  }
}

async function main(): Promise<void> {
  const loadAtStart = loadavg().map((x) => +x.toFixed(2));
  if (o.build) {
    // Measure what production runs: the webpack builds, not the on-the-fly TypeScript compiler.
    log('building the services (nest build)...');
    const build = spawnSync('npm', ['run', '--silent', 'build'], { cwd: join(__dirname, '..'), stdio: ['ignore', 'ignore', 'inherit'] });
    if (build.status !== 0) throw new Error('npm run build failed');
  }
  process.env.CX_SERVICE_RUNTIME = 'dist';
  const r = (await infra.up()) as Infra;
  process.env.CX_TEST_BROKERS = r.brokers;
  process.env.CX_TEST_REDIS_URL = r.redisUrl;
  const kafka = new Kafka({ clientId: 'bench', brokers: [r.brokers], logLevel: logLevel.NOTHING });
  const apiKey = 'bench-supervisor-key-0123456789';
  const keysFile = join(mkdtempSync(join(tmpdir(), 'cx-bench-')), 'keys.json');
  writeFileSync(keysFile, JSON.stringify({ [apiKey]: { role: 'admin', tenant: 'default' } }));
  try {
    const stateAdmin = kafka.admin();
    await stateAdmin.connect();
    const infraAtStart = await infraState(stateAdmin, r.redisUrl).finally(() => stateAdmin.disconnect());
    log(`infra at start: ${JSON.stringify(infraAtStart)}`);
    const ceil = o.skipCeiling ? undefined : await ceiling(kafka, r.brokers, keysFile);
    let noop;
    if (!o.skipNoop) {
      const admin = kafka.admin();
      await admin.connect();
      log(`no-op pipeline: ${o.rate} events/s for ${o.noopDuration} s`);
      noop = await runNoopPipeline({ kafka, admin, brokers: r.brokers, rate: o.rate, duration: o.noopDuration, warmup: 15, seed: o.seed, runtime: PRODUCTION, extraPids: infraPids(r) }).finally(() => admin.disconnect());
      log(`no-op pipeline: ${noop.cpuUsPerEvent.total} µs/event ${JSON.stringify(noop.cpuUsPerEvent)}`);
    }
    const { run, ramp: rampResult } = await live(kafka, r, keysFile, apiKey);
    const avg = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
    const maxRss = (svc: string) => Math.max(0, ...run.samples.map((s) => s.rssMb[svc] ?? 0));
    const targetChecks = checks({ rate: o.rate, duration: o.duration, warmup: o.warmup, contention: !!contentionShare, ceiling: ceil, noop, live: run, ramp: rampResult });
    const report = {
      at: new Date().toISOString(),
      machine: `${cpus().length} cores (${cpus()[0]?.model}), ${Math.round(totalmem() / 2 ** 30)} GiB, broker and Redis on the same machine, shared with other work`,
      options: { rate: o.rate, duration: o.duration, warmup: o.warmup, backlog: o.backlog, seed: o.seed, contention: contentionShare ?? 0, ramp: !!o.ramp, nodeOptions: PRODUCTION.env.NODE_OPTIONS ?? '', nodeArgs: PRODUCTION.nodeArgs.join(' '), serviceNodeArgs: process.env.CX_SERVICE_NODE_ARGS ?? '' },
      // The machine is shared: the load average and the CPU of processes that are not ours say how busy it was.
      loadAverage: { start: loadAtStart, end: loadavg().map((x) => +x.toFixed(2)), othersCoresLive: run.cpu.othersCores, othersCoresNoop: noop?.othersCores ?? null },
      // What earlier runs left in Redis and the broker (scripts/bench/infra-state.ts: it moves the figures).
      infraAtStart,
      ceiling: ceil, noop,
      live: { ...run, samples: undefined, cpuPctAvg: Object.fromEntries(SERVICES.map((s) => [s, Math.round(avg(run.samples.filter((x) => x.t >= o.warmup).map((x) => x.cpuPct[s] ?? 0)))])),
        consumedPerSecAvg: Object.fromEntries(SERVICES.map((s) => [s, Math.round(avg(run.samples.map((x) => x.consumedPerSec[s] ?? 0)))])),
        rssMbMax: Object.fromEntries(SERVICES.map((s) => [s, maxRss(s)])) },
      ramp: rampResult,
    };
    const files = await writeReport(o.out, report, targetChecks, run.samples);
    writeFileSync(join(o.out, 'samples.json'), JSON.stringify(run.samples));
    for (const c of targetChecks) log(`${c.ok ? 'met   ' : 'MISSED'} ${c.name}: ${c.measured} (target ${c.target})`);
    process.stdout.write(JSON.stringify({ report: files[1], checks: targetChecks }) + '\n');
  } finally {
    await infra.down({ kafka: r.startedKafka, redis: r.startedRedis });
  }
}

// Exits explicitly: a kafkajs connection left open by a client of the run kept it alive (seen once).
main().then(() => process.exit(0), (e) => { log((e as Error).stack ?? String(e)); process.exit(1); });
