import type { Admin, Kafka } from 'kafkajs';
import { Partitioners } from 'kafkajs';
import { InteractionTopics, type ReasonCode } from '@cx/contracts';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { ServiceProcess } from '../../test/support/service-process';
import { sendPaced } from '../loadgen/paced-sender';
import { TrafficGenerator } from '../loadgen/traffic-generator';
import { groupLag } from './consumer-lag';
import { countingGenerator, cpuBetween, cpuSeconds, perEvent, rssMb, snapshot } from './process-cpu';
import { histogramQuantile, scrape, sum } from './prom-scrape';
import type { ReceivedSse } from './sse-receiver.worker';

export interface Sample {
  t: number;
  lag: Record<string, number>;
  cpuPct: Record<string, number>;
  rssMb: Record<string, number>;
  consumedPerSec: Record<string, number>;
  latencyP99Ms: number | null;
  /** The highest latency of the escalations that arrived in this second alone (shows when a stall happened). */
  latencyMaxSecMs: number | null;
}

export type Quantiles = { n: number; p50: number; p95: number; p99: number; max: number };

/**
 * The path an escalation took, from the code of its newest reason: the same produce → SSE figure
 * covers two Kafka hops for a message's own reasons, three for a customer's building frustration
 * (through the emotion-detector's internal topic) and a timer for an SLA, so a tail can be placed.
 */
export type LatencyPath = 'message' | 'customer' | 'sla' | 'ended' | 'other';
const PATHS: Record<ReasonCode, LatencyPath> = {
  negative_emotion: 'message', negative_streak: 'message', complaint_intent: 'message',
  customer_at_risk: 'customer', sla_warning: 'sla', sla_breached: 'sla', ended_negative: 'ended',
};

/** An escalation's newest reason (its time, epoch ms) and the path that reason came by; undefined without a timed reason. */
export function newestReason(reasons: { at: string; code: string }[]): { at: number; path: LatencyPath } | undefined {
  let newest: { at: number; path: LatencyPath } | undefined;
  for (const r of reasons) {
    const at = Date.parse(r.at);
    if (Number.isFinite(at) && (!newest || at > newest.at)) newest = { at, path: PATHS[r.code as ReasonCode] ?? 'other' };
  }
  return newest;
}

export interface LiveResult {
  produced: number;
  producedPerSec: number;
  /** Epoch ms of the first send: samples' `t` counts from it (to line them up with other recordings). */
  startedAt: number;
  samples: Sample[];
  /** Produce → SSE for events produced after the warm-up. */
  latencyMs: Quantiles | null;
  /** The same by path (LatencyPath), after the warm-up. */
  latencyByPathMs: Partial<Record<LatencyPath, Quantiles | null>>;
  /** The same for the warm-up (consumers joining, JIT, connection pools), reported, not judged. */
  warmupLatencyMs: Quantiles | null;
  slaFireLatenessMs: { p50: number | null; p99: number | null; fired: number };
  drainedAfterSec: number | null;
  /** Process CPU over the measured window (warm-up end to the last send), per input event produced in it. */
  cpu: { seconds: number; inputEvents: number; cpuSeconds: Record<string, number>; cpuUsPerEvent: Record<string, number>; othersCores: number | null };
}

interface LiveOptions {
  kafka: Kafka; admin: Admin; prefix: string; rate: number; duration: number; warmup: number; seed: number;
  services: ServiceProcess[]; groups: Record<string, { group: string; topics: string[] }>; apiKey: string;
  /** Other processes whose CPU the report shows (broker, Redis, the contention load, this process). */
  extraPids?: Record<string, number | undefined>;
  /** How long to wait for the groups to catch up after the last send. */
  drainTimeoutMs?: number;
}

const q = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];

function quantiles(xs: number[]): Quantiles | null {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted.length ? { n: sorted.length, p50: q(sorted, 0.5), p95: q(sorted, 0.95), p99: q(sorted, 0.99), max: sorted.at(-1)! } : null;
}

/** Opens the router's SSE stream on its own thread (sse-receiver.worker.ts); `close()` resolves once every event it received was handed over. */
function openSseReceiver(url: string, token: string, onEvent: (e: ReceivedSse) => void): Promise<{ close(): Promise<void> }> {
  const worker = new Worker(join(__dirname, 'sse-receiver.worker.ts'), { workerData: { url, token } });
  let closed: (() => void) | undefined;
  return new Promise((resolve, reject) => {
    worker.once('error', reject);
    worker.on('message', (m: ReceivedSse | 'open' | 'closed') => {
      if (m === 'open') resolve({ close: () => new Promise<void>((done) => { closed = done; worker.postMessage('close'); }) });
      else if (m === 'closed') void worker.terminate().then(() => closed?.());
      else onEvent(m);
    });
  });
}

/**
 * Drives steady load through the running stack for warm-up + duration seconds and samples lag,
 * CPU, RSS, throughput and SSE latency every second. Latency counts only events produced after
 * the warm-up.
 */
export async function runLiveLoad(o: LiveOptions): Promise<LiveResult> {
  const router = o.services.find((s) => s.app === 'router')!;
  const latencies: number[] = [];
  const warmupLatencies: number[] = [];
  const byPath = new Map<LatencyPath, number[]>();
  let measureFrom = Infinity;
  const sse = await openSseReceiver(`${router.url}/api/stream`, o.apiKey, (e) => {
    const newest = newestReason(e.reasons);
    if (!newest) return;
    const latency = e.receivedAt - newest.at;
    if (newest.at < measureFrom) return void warmupLatencies.push(latency);
    latencies.push(latency);
    let list = byPath.get(newest.path);
    if (!list) byPath.set(newest.path, (list = []));
    list.push(latency);
  });

  const gen = new TrafficGenerator({
    seed: o.seed, conversations: 2000, customers: 5000, negativeShare: 0.15, complaintShare: 0.1, poisonShare: 0,
    agentReplyRate: 0.7, tenant: 'default', runId: `b${o.seed}`,
  });
  const producer = o.kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  const total = Math.round(o.rate * (o.warmup + o.duration));
  const started = Date.now();
  measureFrom = started + o.warmup * 1000;
  const pids = { ...Object.fromEntries(o.services.map((s) => [s.app, s.pid])), ...o.extraPids };
  const counted = countingGenerator(gen);
  let measured: { cpu: ReturnType<typeof snapshot>; at: number; sent: number } | undefined;
  const windowTimer = setTimeout(() => { measured = { cpu: snapshot(pids), at: Date.now(), sent: counted.count() }; }, o.warmup * 1000);
  const samples: Sample[] = [];
  let prev = new Map<string, { cpu: number; consumed: number; at: number }>();
  let sampledLatencies = 0;
  const sampler = setInterval(async () => {
    const s: Sample = { t: (Date.now() - started) / 1000, lag: {}, cpuPct: {}, rssMb: {}, consumedPerSec: {}, latencyP99Ms: null, latencyMaxSecMs: null };
    for (const svc of o.services) {
      const m = await scrape(`${svc.url}/metrics`).catch(() => undefined);
      if (!m) continue;
      const cpu = cpuSeconds(svc.pid) ?? sum(m, 'process_cpu_seconds_total');
      const consumed = sum(m, 'cx_messages_consumed_total');
      const p = prev.get(svc.app);
      const at = Date.now();
      if (p) {
        s.cpuPct[svc.app] = Math.round((100 * (cpu - p.cpu)) / ((at - p.at) / 1000));
        s.consumedPerSec[svc.app] = Math.round((consumed - p.consumed) / ((at - p.at) / 1000));
      }
      s.rssMb[svc.app] = rssMb(svc.pid) ?? Math.round(sum(m, 'process_resident_memory_bytes') / 2 ** 20);
      prev.set(svc.app, { cpu, consumed, at });
    }
    for (const [name, g] of Object.entries(o.groups)) s.lag[name] = await groupLag(o.admin, g.group, g.topics).catch(() => -1);
    const thisSecond = latencies.slice(sampledLatencies);
    sampledLatencies = latencies.length;
    s.latencyMaxSecMs = thisSecond.length ? Math.max(...thisSecond) : null;
    const recent = latencies.slice(-2000).sort((a, b) => a - b);
    s.latencyP99Ms = recent.length ? q(recent, 0.99) : null;
    samples.push(s);
  }, 1000);

  const { sent } = await sendPaced(producer, counted.gen, { rate: o.rate, total, topicPrefix: o.prefix });
  const endCpu = snapshot(pids);
  const endAt = Date.now();
  clearTimeout(windowTimer);
  const producedPerSec = Math.round(sent / ((Date.now() - started) / 1000));
  await producer.disconnect();
  const inputEvents = sent - (measured?.sent ?? 0);
  const used = cpuBetween(measured?.cpu ?? new Map(), endCpu);
  const cpu = {
    seconds: measured ? (endAt - measured.at) / 1000 : 0, inputEvents,
    cpuSeconds: Object.fromEntries(Object.entries(used).map(([k, v]) => [k, +v.toFixed(2)])),
    cpuUsPerEvent: perEvent(used, inputEvents, o.services.map((s) => s.app)),
    othersCores: measured && used.others !== undefined ? +(used.others / ((endAt - measured.at) / 1000)).toFixed(2) : null,
  };

  // Let the services catch up, then take the final figures.
  const drainStart = Date.now();
  let drainedAfterSec: number | null = null;
  while (Date.now() - drainStart < (o.drainTimeoutMs ?? 60_000)) {
    const lags = await Promise.all(Object.values(o.groups).map((g) => groupLag(o.admin, g.group, g.topics).catch(() => 1)));
    if (lags.every((l) => l === 0)) { drainedAfterSec = (Date.now() - drainStart) / 1000; break; }
    await new Promise((r) => setTimeout(r, 250));
  }
  clearInterval(sampler);
  await sse.close();
  const sla = o.services.find((s) => s.app === 'sla-monitor');
  const slaMetrics = sla ? await scrape(`${sla.url}/metrics`) : new Map<string, number>();
  const lateness = (p: number) => {
    const v = histogramQuantile(slaMetrics, 'cx_sla_fire_lateness_seconds', p);
    return v === null ? null : Math.round(v * 1000);
  };
  return {
    produced: sent, producedPerSec, startedAt: started, samples, drainedAfterSec, cpu,
    latencyMs: quantiles(latencies), warmupLatencyMs: quantiles(warmupLatencies),
    latencyByPathMs: Object.fromEntries([...byPath].map(([path, xs]) => [path, quantiles(xs)])),
    slaFireLatenessMs: { p50: lateness(0.5), p99: lateness(0.99), fired: sum(slaMetrics, 'cx_sla_fire_lateness_seconds_count') },
  };
}

export const interactionTopics = (prefix: string) => InteractionTopics.map((t) => prefix + t);
