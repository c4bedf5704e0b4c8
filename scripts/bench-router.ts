/*
 * Router benchmark on the real Kafka and Redis (127.0.0.1:9092 / 6379 unless KAFKA_BROKERS /
 * REDIS_URL say otherwise). Starts one router instance with a private topic/key prefix and
 * measures, printing one JSON object:
 *   1. latency: `cx.escalation.requested.v1` produced on Kafka → the SSE event at a connected
 *      dashboard (supervisor key), at RATE escalations/s for SECONDS (p50/p95/p99/max);
 *   2. the same with 1,000 concurrent SSE clients on the instance (10 supervisors, 990 agents,
 *      each agent routed its own escalations), checking every client got what it should.
 * Run: node -r @swc-node/register scripts/bench-router.ts [--rate 500] [--seconds 10] [--clients 1000]
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { Kafka, logLevel, Partitioners, type Producer } from 'kafkajs';
import { STRUCTURED_CONTENT_TYPE, Topics } from '@cx/contracts';
import { openSse, type SseEvent } from '../test/support/sse-client';
import { isolatedEnv, startServiceProcess, type ServiceProcess } from '../test/support/service-process';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const RATE = arg('rate', 500);
const SECONDS = arg('seconds', 10);
const CLIENTS = arg('clients', 1000);
const SUPERVISORS = 10;
const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `bench-rt-${Date.now().toString(36)}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Sse = Awaited<ReturnType<typeof openSse>>;

function percentiles(xs: number[]) {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => (s.length ? s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)] : NaN);
  return { n: s.length, p50: q(0.5), p95: q(0.95), p99: q(0.99), max: s.at(-1) ?? NaN };
}

function request(conv: string) {
  const time = new Date().toISOString();
  return {
    specversion: '1.0', id: randomUUID(), source: 'urn:bench', type: 'cx.escalation.requested.v1', time, subject: conv, tenantid: 'default',
    data: {
      conversationId: conv, channel: 'chat', detector: 'emotion-detector', intents: [], customer: { id: `cust-${conv}`, language: 'en' },
      reasons: [{ code: 'negative_emotion', detail: 'This is unacceptable, I have been waiting for three weeks!', at: time, causeId: randomUUID(),
        evidence: [{ cue: 'unacceptable', kind: 'lexicon', text: 'unacceptable' }] }],
    },
  };
}

/** Produces RATE requests/s for SECONDS in 10 ms slices; returns conversation → send time. */
async function drive(producer: Producer, label: string): Promise<{ sentAt: Map<string, number>; seconds: number }> {
  const sentAt = new Map<string, number>();
  const total = RATE * SECONDS;
  const started = Date.now();
  let n = 0;
  const sends: Promise<unknown>[] = [];
  while (n < total) {
    const due = Math.min(total, Math.floor(((Date.now() - started) / 1000) * RATE) + 1);
    const messages = [];
    for (; n < due; n++) {
      const conv = `${label}-${n}`;
      messages.push({ key: conv, value: JSON.stringify(request(conv)), headers: { 'content-type': STRUCTURED_CONTENT_TYPE } });
      sentAt.set(conv, Date.now());
    }
    if (messages.length) sends.push(producer.send({ topic: `${prefix}.${Topics.escalations}`, acks: -1, messages }));
    await sleep(10);
  }
  await Promise.all(sends);
  return { sentAt, seconds: (Date.now() - started) / 1000 };
}

function latencies(events: SseEvent[], sentAt: Map<string, number>, arrivals: Map<SseEvent, number>): number[] {
  const out: number[] = [];
  for (const e of events) {
    const conv = (e.data as { conversationId?: string }).conversationId;
    const t = conv !== undefined ? sentAt.get(conv) : undefined;
    if (e.event === 'raised' && t !== undefined) out.push(arrivals.get(e)! - t);
  }
  return out;
}

/** Wraps the test SSE client so each event gets its arrival time (the client only collects). */
function stamp(sse: Sse, arrivals: Map<SseEvent, number>): void {
  const push = sse.events.push.bind(sse.events);
  sse.events.push = (...items: SseEvent[]) => { const now = Date.now(); for (const i of items) arrivals.set(i, now); return push(...items); };
}

async function waitUntil(check: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) { if (check()) return true; await sleep(50); }
  return check();
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'cx-bench-router-'));
  const keys: Record<string, unknown> = {};
  const supKeys: string[] = [];
  const agentKeys: { id: string; key: string }[] = [];
  for (let i = 0; i < SUPERVISORS; i++) { const k = `bench-sup-${i}-${randomUUID()}`; supKeys.push(k); keys[k] = { role: 'supervisor', tenant: 'default', teams: ['support'], agentId: `sup-${i}` }; }
  for (let i = 0; i < CLIENTS - SUPERVISORS; i++) { const k = `bench-agent-${i}-${randomUUID()}`; agentKeys.push({ id: `a${i}`, key: k }); keys[k] = { role: 'agent', tenant: 'default', teams: ['support'], agentId: `a${i}` }; }
  const adminKey = `bench-admin-${randomUUID()}`;
  keys[adminKey] = { role: 'admin', tenant: 'default' };
  writeFileSync(join(dir, 'keys.json'), JSON.stringify(keys));
  const env = isolatedEnv(prefix, { KAFKA_BROKERS: brokers.join(','), REDIS_URL: redisUrl, ROUTER_API_KEYS_FILE: join(dir, 'keys.json'), TOPIC_PARTITIONS: '6', LOG_LEVEL: 'warn',
    // One admin key registers all agents: the per-key API budget would turn most PUTs into 429s.
    ROUTER_RATE_LIMIT_WRITE: '0', ...(process.env.KAFKA_PARTITION_CONCURRENCY ? { KAFKA_PARTITION_CONCURRENCY: process.env.KAFKA_PARTITION_CONCURRENCY } : {}) });
  let router: ServiceProcess | undefined;
  const kafka = new Kafka({ clientId: 'bench-router', brokers, logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false });
  const clients: Sse[] = [];
  try {
    router = process.env.BENCH_CPU_PROF ? await profiledRouter(env, process.env.BENCH_CPU_PROF) : await startServiceProcess('router', env);
    await producer.connect();
    const result: Record<string, unknown> = { rate: RATE, seconds: SECONDS, router: router.url.replace(/:\d+$/, ':<port>') };

    // 1. One dashboard, no agents on duty (everything goes to the team's supervisors).
    const arrivals1 = new Map<SseEvent, number>();
    const dash = await openSse(`${router.url}/api/stream`, supKeys[0]);
    stamp(dash, arrivals1);
    clients.push(dash);
    await drive(producer, 'warm');
    await waitUntil(() => dash.events.filter((e) => e.event === 'raised').length >= RATE * SECONDS, 30_000);
    dash.events.length = 0;
    const p1 = await drive(producer, 'p1');
    await waitUntil(() => dash.events.filter((e) => e.event === 'raised').length >= p1.sentAt.size, 30_000);
    result.oneDashboard = { achievedRate: Math.round(p1.sentAt.size / p1.seconds), sent: p1.sentAt.size, latencyMs: percentiles(latencies(dash.events, p1.sentAt, arrivals1)) };

    // 2. 1,000 concurrent clients: supervisors see everything of the team, each agent its own.
    const put = async (a: { id: string }) => {
      const r = await fetch(`${router!.url}/api/agents/${a.id}`, { method: 'PUT', headers: { Authorization: `Bearer ${adminKey}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ name: a.id, teams: ['support'], languages: ['en'], skills: [], role: 'agent', status: 'available', maxConcurrent: 100 }) });
      if (r.status !== 200) throw new Error(`PUT agent ${a.id}: ${r.status}`);
    };
    for (let i = 0; i < agentKeys.length; i += 50) await Promise.all(agentKeys.slice(i, i + 50).map(put));
    const arrivals2 = new Map<SseEvent, number>();
    const sups: Sse[] = [dash];
    for (let i = 1; i < SUPERVISORS; i++) sups.push(await openSse(`${router.url}/api/stream`, supKeys[i]));
    const agents: Sse[] = [];
    for (let i = 0; i < agentKeys.length; i += 100) agents.push(...await Promise.all(agentKeys.slice(i, i + 100).map((a) => openSse(`${router!.url}/api/stream`, a.key))));
    clients.push(...sups.slice(1), ...agents);
    for (const s of [...sups, ...agents]) { s.events.length = 0; stamp(s, arrivals2); }
    const gauge = (await (await fetch(`${router.url}/metrics`)).text()).split('\n').filter((l) => l.startsWith('cx_router_sse_clients{'))
      .reduce((n, l) => n + Number(l.split(' ').at(-1)), 0);
    const p2 = await drive(producer, 'p2');
    const n = p2.sentAt.size;
    const agentRaised = () => agents.reduce((k, s) => k + s.events.filter((e) => e.event === 'raised').length, 0);
    await waitUntil(() => sups.every((s) => s.events.filter((e) => e.event === 'raised').length >= n) && agentRaised() >= n, 60_000);
    result.thousandClients = {
      clients: sups.length + agents.length, connectedPerRouterGauge: gauge, achievedRate: Math.round(n / p2.seconds), sent: n,
      everySupervisorGotAll: sups.every((s) => s.events.filter((e) => e.event === 'raised').length === n),
      agentsGotEachOnce: agentRaised() === n,
      agentsWithEscalations: agents.filter((s) => s.events.length > 0).length,
      latencyMsAtSupervisor: percentiles(latencies(dash.events, p2.sentAt, arrivals2)),
      latencyMsAtAgents: percentiles(agents.flatMap((s) => latencies(s.events, p2.sentAt, arrivals2))),
    };
    const metrics = await (await fetch(`${router.url}/metrics`)).text();
    /** The value of the first sample line of `name` whose labels contain `label`. */
    const value = (name: string, label = '') => Number(metrics.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(label))?.split(' ').at(-1) ?? NaN);
    result.routerRssMiB = Math.round(value('process_resident_memory_bytes') / 2 ** 20);
    // The router's own view (whole run): how long a batch takes and how big it is, and how much CPU it used.
    const batches = value('cx_batch_duration_seconds_count', 'topic="cx.escalations"');
    result.routerBatches = {
      count: batches,
      meanMs: Math.round((value('cx_batch_duration_seconds_sum', 'topic="cx.escalations"') / batches) * 10000) / 10,
      meanMessages: Math.round((value('cx_batch_messages_sum', 'topic="cx.escalations"') / batches) * 10) / 10,
    };
    result.routerCpuSeconds = value('process_cpu_seconds_total');
    result.loadAverage = (await import('node:os')).loadavg().map((x) => Math.round(x * 100) / 100);
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } finally {
    for (const c of clients) c.close();
    if (process.env.BENCH_DEBUG && router) process.stderr.write(router.output().split('\n').filter((l) => l.includes('SLOW')).slice(-40).join('\n') + '\n');
    await producer.disconnect().catch(() => undefined);
    await router?.stop('SIGTERM');
    // Leave the shared broker and Redis as they were.
    const admin = kafka.admin();
    await admin.connect().then(async () => {
      const topics = (await admin.listTopics()).filter((t) => t.startsWith(`${prefix}.`));
      if (topics.length) await admin.deleteTopics({ topics });
    }).catch(() => undefined).finally(() => admin.disconnect());
    const redis = new Redis(redisUrl);
    for (let cursor = '0'; ;) {
      const [next, found] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      if (found.length) await redis.del(...found);
      if ((cursor = next) === '0') break;
    }
    await redis.quit();
  }
}

/** The router under `node --cpu-prof` (a profile is written to `dir` when it exits), for finding hot spots. */
async function profiledRouter(env: Record<string, string>, dir: string): Promise<ServiceProcess> {
  const { spawn } = await import('node:child_process');
  const port = 30000 + Math.floor(Math.random() * 20000);
  // CX_SERVICE_RUNTIME=dist profiles the production build (npx nest build router), as startServiceProcess runs it.
  const entry = process.env.CX_SERVICE_RUNTIME === 'dist' ? ['dist/apps/router/main.js'] : ['-r', '@swc-node/register', 'apps/router/src/main.ts'];
  const child = spawn(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${dir}`, ...entry],
    { env: { ...process.env, ...env, ROUTER_PORT: String(port) }, stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise<number | null>((r) => child.once('exit', r));
  while (!(await fetch(`${url}/health`).then((r) => r.ok, () => false))) await sleep(200);
  return { app: 'router', url, pid: child.pid!, output: () => '', stop: async () => { child.kill('SIGTERM'); return exited; } };
}

main().catch((e) => { process.stderr.write(`bench-router failed: ${(e as Error).stack}\n`); process.exit(1); });
