// Benchmarks the pure SLA engine (no Kafka) and prints one JSON object:
//   node -r @swc-node/register scripts/bench-sla-engine.ts [--conversations N] [--open-clocks N [--redis URL]]
// - applyEventsPerSec: input events applied (state decode + apply + encode, as a service would)
// - timersPerSec: due timers evaluated by `fire` (same round trip), 24/7 policy and business-hours policy
// - rematchPerSec: cx.conversation.updated.v1 events that change the policy of a conversation with open clocks
// - stateSizes: encodeState() size per conversation and per open clock, for typical shapes (every event traced)
// - openClocks (--open-clocks N): N open clocks as conversations "opened + customer message, awaiting
//   the first response" (firstResponse + resolution, each started by its own traced event): encoded
//   bytes per clock, V8 heap per clock for states kept decoded (the simulator) and encoded; with
//   --redis, Redis bytes per clock (INFO used_memory delta) in the service's key layout
//   (`sla:{s<n>}:s:<conv>` with a TTL + one due entry per conversation), keys deleted afterwards;
//   --untraced: the same events without traceparent.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { applyEvent, decodeState, encodeState, fire, loadPolicyFile, nextDueOf, timersOf, type SlaState, type TimerSpec } from '@cx/sla';
import { EventFactory } from '../libs/sla/src/testing/events';

const { values } = parseArgs({ options: { conversations: { type: 'string', default: '50000' }, 'open-clocks': { type: 'string' }, redis: { type: 'string' }, untraced: { type: 'boolean', default: false } } });
const N = Number(values.conversations);
const HEAP_SAMPLE = 200_000;
const policies = loadPolicyFile(join(__dirname, '..', 'deploy', 'sla', 'policies.example.yaml'));

/** A W3C traceparent per event (random ids, sampled), as an instrumented platform sends them. */
function traced(f: EventFactory): EventFactory {
  Object.defineProperty(f, 'envelope', { get: () => ({ traceparent: `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01` }) });
  return f;
}

function scenario(channel: 'chat' | 'email', label: string) {
  const states = new Map<string, string>();
  const timers: TimerSpec[] = [];
  const events = [];
  for (let i = 0; i < N; i++) {
    const f = new EventFactory(`${label}-${i.toString(36).padStart(8, '0')}-4c1e-9a51-0d3f5b6e7a88`, channel);
    const t = Date.parse('2026-03-27T14:00:00Z') + i * 37;
    events.push(f.opened(new Date(t).toISOString(), { tier: 'vip' }), f.customer(new Date(t + 5_000).toISOString()));
  }
  let t0 = performance.now();
  for (const e of events) {
    const id = e.data.conversationId;
    const prev = states.get(id);
    const r = applyEvent(prev === undefined ? undefined : decodeState(prev), e, policies);
    states.set(id, encodeState(r.state));
  }
  const applySecs = (performance.now() - t0) / 1000;
  // Policy changes on conversations with two open clocks: vip → standard tier (another policy).
  const updates = [...states.keys()].map((id, i) => new EventFactory(id, channel).updated(new Date(Date.parse('2026-03-27T14:00:10Z') + i * 37).toISOString(), { tier: 'standard' }, `${id}-u`));
  t0 = performance.now();
  const changed = new Map<string, string>();
  for (const u of updates) changed.set(u.data.conversationId, encodeState(applyEvent(decodeState(states.get(u.data.conversationId)!), u, policies).state));
  const rematchSecs = (performance.now() - t0) / 1000;
  for (const [id, s] of states) timers.push(...timersOf(id, decodeState(s), policies));
  timers.sort((a, b) => a.dueAt - b.dueAt);
  // Fire every timer once, and each follow-up timer it schedules (warning → breach).
  let fired = 0;
  let evaluated = 0;
  t0 = performance.now();
  for (let i = 0; i < timers.length; i++) {
    const timer = timers[i];
    const r = fire(decodeState(states.get(timer.conversationId)!), timer, policies);
    evaluated++;
    if (r.stale) continue;
    fired += r.firings.length;
    states.set(timer.conversationId, encodeState(r.state));
    if (i < 2 * N) for (const t of r.schedule) timers.push(t); // bounded: warning then breach
  }
  const fireSecs = (performance.now() - t0) / 1000;
  return {
    policy: label,
    conversations: N,
    applyEventsPerSec: Math.round(events.length / applySecs),
    rematchPerSec: Math.round(updates.length / rematchSecs),
    timersEvaluated: evaluated,
    firings: fired,
    timersPerSec: Math.round(evaluated / fireSecs),
  };
}

/** Serialised size of typical conversation states, every event carrying its own traceparent. */
function sizes() {
  const D = '2026-06-01T';
  const shapes: Record<string, (f: EventFactory) => ReturnType<EventFactory['make']>[]> = {
    'chat awaiting first response (firstResponse + resolution)': (f) => [f.opened(`${D}10:00:00.123Z`, { tier: 'vip' }), f.customer(`${D}10:00:05.456Z`)],
    'chat started by the customer message (firstResponse + resolution, one trace)': (f) => [f.customer(`${D}10:00:05.456Z`)],
    'chat answered (resolution)': (f) => [f.opened(`${D}10:00:00.123Z`, { tier: 'vip' }), f.customer(`${D}10:00:05.456Z`), f.agent(`${D}10:00:40.789Z`)],
    'chat next turn + promise (nextResponse + resolution + promise)': (f) => [
      f.opened(`${D}10:00:00.123Z`, { tier: 'vip' }),
      f.customer(`${D}10:00:05.456Z`),
      f.agent(`${D}10:00:40.789Z`),
      f.customer(`${D}10:02:00.000Z`),
      f.promiseMade(`${D}10:02:30.000Z`, 'callback-7f3a9c2e', `${D}15:00:00Z`),
    ],
    'chat paused twice (resolution with 2 paused periods)': (f) => [
      f.opened(`${D}10:00:00.123Z`, { tier: 'vip' }),
      f.customer(`${D}10:00:05.456Z`),
      f.agent(`${D}10:00:40.789Z`),
      f.status(`${D}10:10:00Z`, 'pending_customer'),
      f.status(`${D}10:20:00Z`, 'open'),
      f.status(`${D}10:30:00Z`, 'on_hold'),
      f.status(`${D}10:40:00Z`, 'open'),
    ],
    'chat whose tier changed (firstResponse + resolution, re-planned)': (f) => [f.opened(`${D}10:00:00.123Z`), f.customer(`${D}10:00:05.456Z`), f.updated(`${D}10:00:30.000Z`, { tier: 'vip' })],
    'call in queue (queueWait + resolution)': (f) => [f.queued(`${D}10:00:00.123Z`)],
  };
  const out: Record<string, { bytes: number; plainJsonBytes: number; openClocks: number; bytesPerOpenClock: number }> = {};
  for (const [name, build] of Object.entries(shapes)) {
    const f = traced(new EventFactory('0f8fad5b-d9cb-469f-a165-70867728950e', name.startsWith('call') ? 'call' : 'chat'));
    let s: SlaState | undefined;
    for (const e of build(f)) s = decodeState(encodeState(applyEvent(s, e, policies).state));
    const bytes = Buffer.byteLength(encodeState(s!));
    const clocks = Object.keys(s!.k).length;
    out[name] = { bytes, plainJsonBytes: Buffer.byteLength(JSON.stringify(s)), openClocks: clocks, bytesPerOpenClock: Math.round(bytes / clocks) };
  }
  return out;
}

function heapUsed(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed;
}

/** N open clocks (N/2 conversations awaiting their first response), encoded and in memory, optionally in Redis. */
async function openClockMemory(clocks: number, redisUrl: string | undefined) {
  const conversations = Math.ceil(clocks / 2);
  const base = Date.parse('2026-06-01T10:00:00Z');
  const conv = (i: number) => `bench-${i.toString(36).padStart(6, '0')}-7f3a9c21`;
  const build = (i: number): SlaState => {
    const f = values.untraced ? new EventFactory(conv(i), 'chat') : traced(new EventFactory(conv(i), 'chat'));
    const t = base + i * 7;
    const s = applyEvent(undefined, f.opened(new Date(t).toISOString()), policies).state;
    return applyEvent(s, f.customer(new Date(t + 5_123).toISOString()), policies).state;
  };
  // Heap figures from the first HEAP_SAMPLE clocks (decoded states cost ~0.5 kB per clock); bytes from all.
  const sample = Math.min(conversations, HEAP_SAMPLE / 2);
  let before = heapUsed();
  const decoded: SlaState[] = [];
  for (let i = 0; i < sample; i++) decoded.push(build(i));
  const sampleClocks = decoded.reduce((n, s) => n + Object.keys(s.k).length, 0);
  const decodedHeap = heapUsed() - before;
  decoded.length = 0;
  before = heapUsed();
  const encoded: string[] = [];
  let encodedBytes = 0;
  let open = 0;
  for (let i = 0; i < conversations; i++) {
    const s = build(i);
    open += Object.keys(s.k).length;
    encoded.push(encodeState(s));
    encodedBytes += Buffer.byteLength(encoded[i]);
  }
  const encodedHeap = heapUsed() - before;
  const out: Record<string, number | string> = {
    traced: values.untraced ? 'no' : 'every event (2 traces per conversation)',
    openClocks: open,
    conversations,
    encodedBytesPerClock: Math.round(encodedBytes / open),
    heapBytesPerClockDecoded: Math.round(decodedHeap / sampleClocks),
    heapBytesPerClockEncoded: Math.round(encodedHeap / open),
  };
  if (redisUrl) out.redisBytesPerClock = await redisMemory(redisUrl, encoded, conv, open);
  if (!(globalThis as { gc?: () => void }).gc) out.note = 'run node with --expose-gc for exact heap figures';
  return out;
}

async function redisMemory(url: string, encoded: string[], conv: (i: number) => string, open: number): Promise<number> {
  const { default: Redis } = await import('ioredis');
  const redis = new Redis(url);
  const prefix = `bench-sla-mem-${randomBytes(4).toString('hex')}:`;
  const shards = 32;
  const used = async () => Number(/used_memory:(\d+)/.exec(await redis.info('memory'))![1]);
  try {
    const before = await used();
    for (let start = 0; start < encoded.length; start += 5_000) {
      const p = redis.pipeline();
      for (let i = start; i < Math.min(encoded.length, start + 5_000); i++) {
        const s = i % shards;
        p.set(`${prefix}sla:{s${s}}:s:${conv(i)}`, encoded[i], 'EX', 30 * 24 * 3600);
        p.zadd(`${prefix}sla:{s${s}}:d`, nextDueOf(conv(i), decodeState(encoded[i]), policies)!, conv(i));
      }
      await p.exec();
    }
    return Math.round(((await used()) - before) / open);
  } finally {
    let cursor = '0';
    do {
      const [next, found] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 10_000);
      cursor = next;
      if (found.length) await redis.unlink(...found);
    } while (cursor !== '0');
    redis.disconnect();
  }
}

async function main(): Promise<void> {
  const result: Record<string, unknown> = {
    node: process.version,
    note: 'pure engine only: each step decodes the state (decodeState), applies/fires, and encodes it again (encodeState); no Redis or Kafka',
  };
  if (values['open-clocks']) result.openClocks = await openClockMemory(Number(values['open-clocks']), values.redis);
  else {
    result.chat24x7 = scenario('chat', 'vip-chat');
    result.emailBusinessHours = scenario('email', 'email-business');
    result.stateSizes = sizes();
  }
  process.stdout.write(JSON.stringify(result, null, 2) + '\n');
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack}\n`);
  process.exit(1);
});
