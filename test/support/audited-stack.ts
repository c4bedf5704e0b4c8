/*
 * The three services (and optionally ingest gateways), any number of instances each, on a
 * target (the integration tier's single broker and Redis, or the cluster tier's clusters), with
 * collectors on every output topic and the checks every fault or scale-out run ends with: its
 * effects counted by ids (effect-checks.ts), no steady-state republish on any output topic, and
 * lag gauges equal to the admin's offsets.
 */
import { join } from 'node:path';
import { Topics } from '@cx/contracts';
import { createRedis, KeySpace } from '@cx/redis';
import { startGatewayProcess, type GatewayProcess } from '../../apps/ingest-gateway/src/testing/gateway-process';
import { emotionSignals, expectEffectsOnce, expectSignalForEvery, expectSlaOnce, flagged } from './effect-checks';
import type { Received } from './kafka-test-client';
import type { rollingLoad } from './load-script';
import { auditRepublished, expectLagGaugeMatches, FaultLog } from './output-audit';
import type { AppName } from './service-process';
import { settleAll, StackFixture, type StackTarget } from './stack-fixture';
import { waitFor } from './wait-for';

const POLICIES = join(__dirname, '..', 'fixtures', 'sla', 'fast-policies.yaml');

/** Each service's consumer group (isolatedEnv names them) and input topics. */
const GROUPS: Record<AppName, { suffix: string; inputs: string[] }> = {
  'emotion-detector': { suffix: 'emotion', inputs: [Topics.chat, Topics.email, Topics.call, Topics.customerContributions] },
  'sla-monitor': { suffix: 'sla', inputs: [Topics.chat, Topics.email, Topics.call] },
  router: { suffix: 'router', inputs: [Topics.escalations, Topics.agents] },
};
export const APPS = Object.keys(GROUPS) as AppName[];
/** The services' Redis key namespaces (emotion-detector, sla-monitor, router), each with an outbox per shard. */
const NAMESPACES = ['emo', 'sla', 'rt'];
const OUTPUTS = [Topics.signals, Topics.sla, Topics.escalations, Topics.notifications, Topics.customerContributions, Topics.dlq];

export type Load = ReturnType<typeof rollingLoad>;

/** The slowest hop of a run: output time (producer's timestamp) minus the time of its cause (ms). */
function maxDelay(outputs: Received[], causeTime: (m: Received) => number | undefined): number {
  return Math.max(0, ...outputs.map((m) => { const t = causeTime(m); return t === undefined ? 0 : m.timestamp - t; }));
}

export class AuditedStack {
  readonly stack: StackFixture;
  readonly gateways: GatewayProcess[] = [];
  readonly out = new Map<string, Received[]>();
  readonly faults = new FaultLog();

  constructor(target?: StackTarget, extraEnv: Record<string, string> = {}) {
    this.stack = new StackFixture({
      SLA_POLICIES_FILE: POLICIES, SLA_LEASE_MS: '1500', ROUTER_SCHEDULER_TICK_MS: '50', ROUTER_WEBHOOK_TICK_MS: '50', ...extraEnv,
    }, target);
  }

  get kafka() {
    return this.stack.kafka;
  }

  topic(logical: string): Received[] {
    const r = this.out.get(logical);
    if (!r) throw new Error(`${logical} is not collected`);
    return r;
  }

  async start(instances = 1, gateways = 0): Promise<void> {
    // Topics first, by the test client that waits for every broker to know them: the services'
    // consumers and producers then never meet a broker that has not heard of a topic yet.
    for (const t of [...new Set([...OUTPUTS, ...APPS.flatMap((a) => GROUPS[a].inputs)])]) await this.kafka.ensureTopic(t);
    // All at once: start-up is mostly compiling TypeScript, so two cores are busy either way.
    // Each process is kept as soon as it runs, so stop() stops them all even when one failed to start.
    await settleAll([
      this.stack.start(...APPS),
      ...Array.from({ length: instances - 1 }, () => APPS.map((a) => this.stack.scaleOut(a))).flat(),
      ...Array.from({ length: gateways }, async () => this.gateways.push(await startGatewayProcess(this.stack.env))),
    ]);
    for (const t of OUTPUTS) this.out.set(t, await this.kafka.collect(t));
  }

  groupId(app: AppName): string {
    return `${this.stack.prefix}-${GROUPS[app].suffix}`;
  }

  inputs(app: AppName): string[] {
    return GROUPS[app].inputs;
  }

  urls(app: AppName): string[] {
    return this.stack.instances(app).map((s) => s.url);
  }

  /** Everything a load of customer messages caused, counted by ids; returns the slowest hop per service (ms). */
  async expectLoadProcessed(events: Load, timeoutMs = 120_000): Promise<Record<string, number>> {
    const [signals, escalations, sla] = [Topics.signals, Topics.escalations, Topics.sla].map((t) => this.topic(t));
    const sentAt = new Map<string, number>(events.map((e) => [e.data.messageId, Date.parse(e.time)]));
    const subjects = new Set(events.map((e) => e.subject));
    await expectSignalForEvery(signals, [...sentAt.keys()], timeoutMs);
    const mine = emotionSignals(signals).filter((m) => subjects.has(m.json!.subject));
    // A quarter of the messages are angry: the run cannot pass without flags to escalate.
    expect(mine.filter(flagged).length).toBeGreaterThan(events.length / 5);
    await expectEffectsOnce(signals, escalations, subjects);
    await expectSlaOnce(sla, escalations, [...subjects], timeoutMs);
    const firstRequest = new Map<string, number>();
    for (const m of escalations) if (m.json?.type === 'cx.escalation.requested.v1' && !firstRequest.has(m.json.subject)) firstRequest.set(m.json.subject, m.timestamp);
    return {
      emotionMaxMs: maxDelay(mine, (m) => sentAt.get(m.json!.data.messageId as string)),
      slaMaxMs: maxDelay(sla.filter((m) => subjects.has(m.json!.subject)), (m) => Date.parse(m.json!.data.at as string)),
      routerMaxMs: maxDelay(escalations.filter((m) => m.json?.type === 'cx.escalation.raised.v1' && subjects.has(m.json.subject)), (m) => firstRequest.get(m.json!.subject)),
    };
  }

  /**
   * The checks of every run once its load is processed: ids published twice whose first copy
   * went out outside a fault window (must be none), and every instance's lag gauge equal to the
   * group's committed-vs-latest offsets. Returns the figures.
   */
  async expectSteadyState(): Promise<{ records: number; republishedDuringFaults: number }> {
    await this.expectOutboxesEmpty();
    const audit = auditRepublished(this.faults, ...OUTPUTS.map((t) => this.topic(t)));
    expect(audit.steady).toEqual([]);
    expect(audit.duringFaults.filter((r) => !r.sameBytes)).toEqual([]);
    for (const app of APPS) await expectLagGaugeMatches(this.kafka, this.urls(app), this.groupId(app), GROUPS[app].inputs);
    return { records: audit.total, republishedDuringFaults: audit.duringFaults.length };
  }

  /**
   * Waits until no service's outbox holds an entry, so what a run committed has been published and
   * acknowledged before its audit: an entry left behind is published again only once its lease
   * runs out (30 s), after the audit of the run that left it (a scale-in's leftovers once failed
   * the next test, the broker kill, instead of the rebalance test).
   */
  async expectOutboxesEmpty(timeoutMs = 45_000): Promise<void> {
    const env = this.stack.env;
    const redis = createRedis({ url: env.REDIS_URL, clusterNodes: env.REDIS_CLUSTER_NODES?.split(',') }, 'test-outbox-audit');
    const outboxes = NAMESPACES.flatMap((ns) => {
      const space = new KeySpace(env.REDIS_KEY_PREFIX, ns, Number(env.REDIS_SHARDS ?? 32));
      return space.allShards().map((s) => space.outbox(s));
    });
    let left = 0;
    try {
      await waitFor('every outbox empty', async () => {
        left = (await Promise.all(outboxes.map((k) => redis.hlen(k)))).reduce((a, b) => a + b, 0);
        return left === 0;
      }, timeoutMs, 500);
    } catch (e) {
      throw new Error(`${(e as Error).message}: ${left} entries left`);
    } finally {
      await redis.quit();
    }
  }

  async stop(): Promise<void> {
    await Promise.all(this.gateways.map((g) => g.stop('SIGTERM')));
    await this.stack.stop();
  }
}
