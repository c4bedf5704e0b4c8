// Load test of the ingestion gateway (DESIGN.md §7 target: 2,000 requests/s, p99 < 50 ms from
// request to Kafka acknowledgement). Starts Kafka/Redis if needed and a gateway process, then
// sends signed Zendesk comment webhooks open-loop at a fixed rate (latency counted from each
// request's scheduled send time, so a stall is not hidden by the client waiting), and checks that
// every acknowledged event is on the input topic. Run it under the stack lock:
//   flock /tmp/cx-stack.lock node -r @swc-node/register scripts/bench-gateway.ts --rate 2000 --duration 30
import { randomUUID } from 'node:crypto';
import { Agent, request } from 'node:http';
import { Kafka, logLevel } from 'kafkajs';
import { Topics } from '@cx/contracts';
import { startGatewayProcess } from '../apps/ingest-gateway/src/testing/gateway-process';
import { customerMessage } from '../apps/ingest-gateway/src/testing/platform-client';
import { isolatedEnv } from '../test/support/service-process';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const infra = require('./infra.js');

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const RATE = arg('rate', 2000);
const DURATION_S = arg('duration', 30);
const WARMUP_S = arg('warmup', 5);
const CONNECTIONS = arg('connections', 64);

const quantile = (sorted: number[], q: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] : NaN);

function cpuSeconds(pid: number): number {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const stat = require('node:fs').readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(stat[11]) + Number(stat[12])) / 100;
  } catch { return NaN; }
}

async function main(): Promise<void> {
  const up = await infra.up();
  const prefix = `bench-gw-${Date.now().toString(36)}`;
  const env = isolatedEnv(prefix, { KAFKA_BROKERS: up.brokers, REDIS_URL: up.redisUrl, LOG_LEVEL: 'warn', TOPIC_PARTITIONS: '6' });
  const gw = await startGatewayProcess(env);
  const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  const target = new URL(gw.url);
  const send = (path: string, headers: Record<string, string>, body: string) => new Promise<number>((resolve) => {
    const req = request({ host: target.hostname, port: target.port, path, method: 'POST', agent, headers: { ...headers, 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', () => resolve(-1));
    req.end(body);
  });

  const statuses = new Map<number, number>();
  const latencies: number[] = [];
  let acknowledged = 0;
  const phase = async (seconds: number, record: boolean) => {
    const total = Math.round(RATE * seconds);
    const t0 = performance.now();
    const inflight: Promise<void>[] = [];
    let next = 0;
    while (next < total) {
      const now = performance.now();
      const due = Math.min(total, Math.floor(((now - t0) / 1000) * RATE) + 1);
      for (; next < due; next++) {
        const scheduled = t0 + (next / RATE) * 1000;
        const { delivery } = customerMessage(gw, 'zendesk', String(100000 + (next % 5000)), 'The invoice is wrong again, this is unacceptable!', randomUUID());
        inflight.push(send(delivery.path, delivery.headers, delivery.body).then((status) => {
          if (!record) return;
          latencies.push(performance.now() - scheduled);
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
          if (status === 200) acknowledged++;
        }));
      }
      await new Promise((r) => setTimeout(r, 1));
    }
    await Promise.all(inflight);
    return (performance.now() - t0) / 1000;
  };

  process.stderr.write(`bench-gateway: warm-up ${WARMUP_S} s at ${RATE}/s, then ${DURATION_S} s measured (${CONNECTIONS} keep-alive connections)\n`);
  await phase(WARMUP_S, false);
  const cpu0 = cpuSeconds(gw.pid);
  const elapsed = await phase(DURATION_S, true);
  const cpu1 = cpuSeconds(gw.pid);

  // Everything acknowledged must be on the topic (warm-up included): count the topic's messages.
  const kafka = new Kafka({ clientId: 'bench-gateway', brokers: [up.brokers], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const offsets = await admin.fetchTopicOffsets(`${prefix}.${Topics.email}`);
  await admin.disconnect();
  const onTopic = offsets.reduce((n, o) => n + Number(o.high) - Number(o.low), 0);
  const warmupSent = Math.round(RATE * WARMUP_S);

  const sorted = latencies.sort((a, b) => a - b);
  const report = {
    rateTarget: RATE, durationSeconds: Number(elapsed.toFixed(2)), requests: latencies.length, achievedPerSecond: Math.round(latencies.length / elapsed),
    statuses: Object.fromEntries(statuses), latencyMs: {
      p50: +quantile(sorted, 0.5).toFixed(2), p90: +quantile(sorted, 0.9).toFixed(2), p99: +quantile(sorted, 0.99).toFixed(2),
      p999: +quantile(sorted, 0.999).toFixed(2), max: +(sorted[sorted.length - 1] ?? NaN).toFixed(2),
    },
    gatewayCpuCores: Number(((cpu1 - cpu0) / elapsed).toFixed(2)),
    eventsOnTopic: onTopic, acknowledgedIncludingWarmup: acknowledged + warmupSent, target: 'p99 < 50 ms at 2000 requests/s',
  };
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(`\n${report.achievedPerSecond} requests/s, p50 ${report.latencyMs.p50} ms, p99 ${report.latencyMs.p99} ms, max ${report.latencyMs.max} ms; ` +
    `gateway ${report.gatewayCpuCores} cores; ${onTopic} events on the topic for ${acknowledged} acknowledged (+${warmupSent} warm-up)\n`);
  agent.destroy();
  await gw.stop();
  await infra.down({ kafka: up.startedKafka, redis: up.startedRedis });
  const ok = report.latencyMs.p99 < 50 && report.achievedPerSecond >= RATE * 0.98 && (statuses.get(200) ?? 0) === latencies.length && onTopic >= acknowledged;
  process.exit(ok ? 0 : 1);
}

main().catch((e) => { process.stderr.write(`bench-gateway failed: ${(e as Error).stack}\n`); process.exit(1); });
