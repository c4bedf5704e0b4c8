/*
 * Network faults from a real fault proxy (Toxiproxy) between the services and Kafka and Redis,
 * under load: a control run, 300 ms added latency, connections reset while units commit, a
 * 10-second partition of one service from Redis, and Kafka unreachable. Each run counts its
 * effects by ids (nothing lost, nothing doubled), ends with the shared checks (no steady-state
 * republish, lag gauges right) and times /health and /metrics throughout: within 200 ms always,
 * reporting the outage while it lasts and healthy again after it.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Topics } from '@cx/contracts';
import { APPS, AuditedStack, type Load } from './support/audited-stack';
import { uniq } from './support/ids';
import { rollingLoad, sendPaced } from './support/load-script';
import { OpsProbe } from './support/ops-probe';
import { expectLagGaugeMatches } from './support/output-audit';
import type { AppName } from './support/service-process';
import { Toxiproxy, type Proxy } from './support/toxiproxy';
import { waitFor } from './support/wait-for';

const RATE = 150;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const figures: Record<string, unknown> = {};

describe('network faults between the services and Kafka/Redis (Toxiproxy)', () => {
  let toxi: Toxiproxy;
  let kafkaProxy: Proxy;
  const redisProxy = new Map<AppName, Proxy>();
  const s = new AuditedStack();

  beforeAll(async () => {
    toxi = await Toxiproxy.start();
    const k = await toxi.proxyKafka('fault-kafka');
    kafkaProxy = k.proxy;
    for (const [i, app] of APPS.entries()) {
      const r = await toxi.proxyRedis(`fault-redis-${app}`, 6391 + i);
      redisProxy.set(app, r.proxy);
      // Each service its own way to Redis (so one can be cut off); all of them Kafka through the proxy.
      s.stack.appEnv.set(app, { REDIS_URL: r.url, KAFKA_BROKERS: k.brokers });
    }
    await s.start();
  }, 180_000);
  afterAll(async () => {
    await toxi?.reset().catch(() => undefined);
    await s.stop();
    await toxi?.stop();
    process.stderr.write(`network fault figures: ${JSON.stringify(figures)}\n`);
  }, 90_000);

  /** Runs a load with `fault` at `atMs`, checks everything it caused, and returns the run's figures. */
  async function run(name: string, n: number, fault?: { atMs: number; run: () => Promise<void> }) {
    const events: Load = rollingLoad(uniq(name.replace(/\W+/g, '-')), n);
    const probe = new OpsProbe(APPS.map((a) => s.urls(a)[0]), 100).start();
    let faultFrom = 0;
    let faultTo = 0;
    try {
      await sendPaced(s.kafka, Topics.chat, events, RATE, fault ? [{
        atMs: fault.atMs, run: () => s.faults.during(name, async () => { faultFrom = Date.now(); await fault.run(); faultTo = Date.now(); }, 5_000),
      }] : [], { stampAtSend: true });
      const delays = await s.expectLoadProcessed(events);
      const steady = await s.expectSteadyState();
      return { ...delays, ...steady, ops: probe.summary(), faultFrom, faultTo, probe };
    } finally {
      await probe.stop();
      // CX_PROBE_DUMP=DIR keeps every probe sample of every run (with the services' event-loop delay).
      if (process.env.CX_PROBE_DUMP) writeFileSync(join(process.env.CX_PROBE_DUMP, `probe-${name}.json`), JSON.stringify({ samples: probe.samples, faultFrom, faultTo }));
    }
  }

  // The bound: 95 % of /health and /metrics answers within 200 ms, faulted or not, and
  // none left unanswered for the probe's 2 s. Met since a backlog runs as slices with the loop free
  // between them (UNIT_MAX_MESSAGES): p95 17-53 ms on a quiet machine, up to 172 ms with other
  // work on it; before, one 5,000-message unit held the loop for seconds (a fresh-clone run: 214 ms).
  const expectOpsFast = (probe: OpsProbe) => {
    const all = probe.summary();
    const fast = (x: { p95Ms: number; maxMs: number }) => x.p95Ms < 200 && x.maxMs < 2000;
    if (!fast(all.health) || !fast(all.metrics)) throw new Error(`ops endpoints slow (p95 ≥ 200 ms or unanswered for 2 s): ${JSON.stringify(all)}`);
  };

  it('control run without faults: nothing republished, lag gauges right, ops endpoints fast', async () => {
    const r = await run('control', 900);
    expectOpsFast(r.probe);
    figures.control = { ...r, probe: undefined };
  }, 180_000);

  it('300 ms added latency on every Redis and Kafka connection for 6 s', async () => {
    const r = await run('latency', 1500, {
      atMs: 1500, run: async () => {
        const toxics = await Promise.all([...[...redisProxy.values()].map((p) => p.latency(300).then((t) => [p, t] as const)), kafkaProxy.latency(300).then((t) => [kafkaProxy, t] as const)]);
        await sleep(6_000);
        for (const [p, t] of toxics) await p.removeToxic(t);
      },
    });
    expectOpsFast(r.probe);
    figures.latency = { ...r, probe: undefined };
  }, 180_000);

  it('connections reset by peer while units commit (Redis and Kafka)', async () => {
    const r = await run('reset', 1500, {
      atMs: 2000, run: async () => {
        // Every connection that carries data in the next 1.5 s is reset: commits, publishes, fetches.
        const toxics = await Promise.all([...redisProxy.values(), kafkaProxy].map((p) => p.resetPeer({ afterMs: 0 }).then((t) => [p, t] as const)));
        await sleep(1_500);
        for (const [p, t] of toxics) await p.removeToxic(t);
      },
    });
    expectOpsFast(r.probe);
    figures.reset = { ...r, probe: undefined };
  }, 180_000);

  it('a 10-second partition of the emotion-detector from Redis: reported by /health, lag shown, recovered by itself', async () => {
    const url = s.urls('emotion-detector')[0];
    const proxy = redisProxy.get('emotion-detector')!;
    let lagDuring = 0;
    let reportedAfterMs = 0;
    let recoveredAfterMs = 0;
    const r = await run('partition', 600, {
      atMs: 1000, run: async () => {
        await proxy.disable();
        const t = Date.now();
        const down = await waitFor('/health reporting redis down', async () => {
          const res = await fetch(`${url}/health`);
          const body = (await res.json()) as { checks: Record<string, string> };
          return res.status === 503 && body.checks.redis === 'down' ? body : undefined;
        }, 5_000, 50);
        reportedAfterMs = Date.now() - t;
        expect(down.checks.redis).toBe('down');
        // The load (4 s) ends while the partition lasts: nothing commits, so the lag stands still,
        // and the gauge must show what the admin sees.
        await sleep(Math.max(0, 3_500 - (Date.now() - t)));
        const lag = await expectLagGaugeMatches(s.kafka, s.urls('emotion-detector'), s.groupId('emotion-detector'), s.inputs('emotion-detector'), 7_000).catch((e) => e as Error);
        lagDuring = lag instanceof Error ? -1 : [...lag.values()].reduce((a, b) => a + b, 0);
        if (lag instanceof Error) throw lag;
        await sleep(Math.max(0, 10_000 - (Date.now() - t)));
        await proxy.enable();
        const healed = Date.now();
        await waitFor('/health ok again', async () => (await fetch(`${url}/health`)).status === 200, 30_000, 50);
        recoveredAfterMs = Date.now() - healed;
      },
    });
    expect(lagDuring).toBeGreaterThan(100);
    expect(reportedAfterMs).toBeLessThan(3_000);
    expectOpsFast(r.probe);
    figures.partition = { ...r, probe: undefined, lagDuring, reportedAfterMs, recoveredAfterMs };
  }, 180_000);

  it('Kafka unreachable for 8 s: every service reports it, answers fast, and catches up', async () => {
    let reportedAfterMs = 0;
    let recoveredAfterMs = 0;
    const r = await run('kafka-outage', 1500, {
      atMs: 1500, run: async () => {
        await kafkaProxy.disable();
        const t = Date.now();
        await waitFor('/health reporting kafka down on every service', async () => {
          const bodies = await Promise.all(APPS.map(async (a) => (await (await fetch(`${s.urls(a)[0]}/health`)).json()) as { checks: Record<string, string> }));
          return bodies.every((b) => b.checks.kafka === 'down');
        }, 8_000, 100);
        reportedAfterMs = Date.now() - t;
        await sleep(Math.max(0, 8_000 - (Date.now() - t)));
        await kafkaProxy.enable();
        const healed = Date.now();
        await waitFor('/health ok again on every service', async () =>
          (await Promise.all(APPS.map(async (a) => (await fetch(`${s.urls(a)[0]}/health`)).status))).every((st) => st === 200), 60_000, 100);
        recoveredAfterMs = Date.now() - healed;
      },
    });
    expectOpsFast(r.probe);
    figures.kafkaOutage = { ...r, probe: undefined, reportedAfterMs, recoveredAfterMs };
  }, 180_000);
});
