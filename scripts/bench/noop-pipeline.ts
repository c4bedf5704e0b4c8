/*
 * The no-op pipeline ceiling: the services' topology with empty handlers. Two consumer groups read
 * the input topics (in place of emotion-detector and sla-monitor) and a third reads the first
 * one's output (in place of the router); each produces one small event per input and commits
 * (noop-stage.ts). Driven by the same traffic at the same rate, its CPU per input event is the
 * unavoidable Kafka cost in Node, which the report divides ours by. It is a generous floor: each
 * stage consumes and produces every input, where the router really sees about a fifth of them.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { Partitioners, type Admin, type Kafka } from 'kafkajs';
import { sendPaced } from '../loadgen/paced-sender';
import { TrafficGenerator } from '../loadgen/traffic-generator';
import { groupLag } from './consumer-lag';
import { interactionTopics } from './live-load';
import { countingGenerator, cpuBetween, perEvent, rssMb, snapshot } from './process-cpu';
import type { ProductionRuntime } from './production-runtime';

export interface NoopResult {
  rate: number;
  seconds: number;
  inputEvents: number;
  cpuSeconds: Record<string, number>;
  cpuUsPerEvent: Record<string, number>;
  rssMbMax: Record<string, number>;
  drainedAfterSec: number | null;
  /** Cores the rest of the machine kept busy meanwhile. */
  othersCores: number | null;
}

const STAGES = ['emotion-detector', 'sla-monitor', 'router'] as const;

/** A stage runs with the services' production V8 options, so the ratio compares like with like. */
function startStage(brokers: string, group: string, to: string, from: string[], runtime: ProductionRuntime): Promise<ChildProcess> {
  const child = fork(join(__dirname, 'noop-stage.ts'), [brokers, group, to, ...from], {
    execArgv: [...runtime.nodeArgs, '-r', '@swc-node/register'], env: { ...process.env, ...runtime.env }, stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('message', () => resolve(child));
    child.once('exit', (code) => reject(new Error(`no-op stage ${group} exited with ${code}`)));
  });
}

export async function runNoopPipeline(o: {
  kafka: Kafka; admin: Admin; brokers: string; rate: number; duration: number; warmup: number; seed: number; runtime: ProductionRuntime; extraPids?: Record<string, number | undefined>;
}): Promise<NoopResult> {
  const p = `benchn${Date.now().toString(36)}.`;
  const inputs = interactionTopics(p);
  const [signals, sla, notifications] = ['noop.signals', 'noop.sla', 'noop.notifications'].map((t) => p + t);
  await o.admin.createTopics({ waitForLeaders: true, topics: [...inputs, signals, sla, notifications].map((topic) => ({ topic, numPartitions: 6 })) });
  const groups = { 'emotion-detector': { group: `${p}emotion`, from: inputs, to: signals }, 'sla-monitor': { group: `${p}sla`, from: inputs, to: sla }, router: { group: `${p}router`, from: [signals], to: notifications } };
  const children: Partial<Record<(typeof STAGES)[number], ChildProcess>> = {};
  try {
    for (const s of STAGES) children[s] = await startStage(o.brokers, groups[s].group, groups[s].to, groups[s].from, o.runtime);
    const pids = { ...Object.fromEntries(STAGES.map((s) => [s, children[s]!.pid])), ...o.extraPids };
    const gen = new TrafficGenerator({ seed: o.seed, conversations: 2000, customers: 5000, negativeShare: 0.15, complaintShare: 0.1, poisonShare: 0, agentReplyRate: 0.7, tenant: 'default', runId: `n${o.seed}` });
    const producer = o.kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    const started = Date.now();
    const rss: Record<string, number> = {};
    const rssTimer = setInterval(() => { for (const s of STAGES) rss[s] = Math.max(rss[s] ?? 0, rssMb(children[s]!.pid!) ?? 0); }, 1000);
    let at: { cpu: ReturnType<typeof snapshot>; t: number; sent: number } | undefined;
    const counted = countingGenerator(gen);
    const from = setTimeout(() => { at = { cpu: snapshot(pids), t: Date.now(), sent: counted.count() }; }, o.warmup * 1000);
    const { sent } = await sendPaced(producer, counted.gen, { rate: o.rate, total: Math.round(o.rate * (o.warmup + o.duration)), topicPrefix: p });
    const end = snapshot(pids);
    const seconds = at ? (Date.now() - at.t) / 1000 : (Date.now() - started) / 1000;
    clearTimeout(from);
    await producer.disconnect();
    const inputEvents = sent - (at?.sent ?? 0);
    const cpu = cpuBetween(at?.cpu ?? new Map(), end);
    const drainStart = Date.now();
    let drainedAfterSec: number | null = null;
    while (Date.now() - drainStart < 60_000) {
      const lags = await Promise.all(STAGES.map((s) => groupLag(o.admin, groups[s].group, groups[s].from).catch(() => 1)));
      if (lags.every((l) => l === 0)) { drainedAfterSec = (Date.now() - drainStart) / 1000; break; }
      await new Promise((r) => setTimeout(r, 250));
    }
    clearInterval(rssTimer);
    return {
      rate: o.rate, seconds, inputEvents, drainedAfterSec, rssMbMax: rss, othersCores: cpu.others !== undefined ? +(cpu.others / seconds).toFixed(2) : null,
      cpuSeconds: Object.fromEntries(Object.entries(cpu).map(([k, v]) => [k, +v.toFixed(2)])),
      cpuUsPerEvent: perEvent(cpu, inputEvents, [...STAGES]),
    };
  } finally {
    await Promise.all(Object.values(children).map((c) => new Promise<void>((r) => {
      if (c.exitCode !== null) return r();
      c.once('exit', () => r());
      c.kill('SIGTERM');
    })));
  }
}
