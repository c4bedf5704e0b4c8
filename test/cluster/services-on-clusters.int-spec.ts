/*
 * Issue 12's proof on real clusters: two instances of every service (and two ingest gateways) on
 * a 3-master Redis Cluster and a 3-broker Kafka cluster (replication factor 3, min.insync.replicas
 * 2): the walking skeleton, kill -9 of one instance of each service mid-load, instances joining
 * and leaving mid-load, and a broker killed mid-load. Every test counts its effects by ids and
 * ends with the shared checks (no steady-state republish, lag gauges equal to the admin's). The
 * collectors run for the whole file, so each check also sees what earlier tests caused later: the
 * 63 SLA ids that once failed the broker kill case had first gone out 22 s before the kill, while
 * the rebalance test's sla-monitor left on SIGTERM (docs/runtime.md, "Bugs these runs found").
 */
import { randomUUID } from 'node:crypto';
import { Topics } from '@cx/contracts';
import { customerMessage as webhookMessage, deliver } from '../../apps/ingest-gateway/src/testing/platform-client';
import { APPS, AuditedStack } from '../support/audited-stack';
import { clusterFaults, clusterTarget } from '../support/cluster-faults';
import { distinct, emotionSignals, expectSlaOnce } from '../support/effect-checks';
import { uniq } from '../support/ids';
import { rollingLoad, sendPaced } from '../support/load-script';
import { OpsProbe } from '../support/ops-probe';
import { openSse } from '../support/sse-client';
import { SUPERVISOR_KEY } from '../support/stack-fixture';
import { waitFor } from '../support/wait-for';

const ANGRY = 'This is unacceptable! I have been waiting for three weeks and nobody helps me.';
const RATE = 120;
const thread = () => String(Date.now() % 1e9) + String(Math.floor(Math.random() * 1e4)).padStart(4, '0');
const figures: Record<string, unknown> = {};
describe('two instances of every service on a Redis Cluster and a Kafka cluster', () => {
  const c = new AuditedStack(clusterTarget());
  const signals = () => c.topic(Topics.signals);
  const escalations = () => c.topic(Topics.escalations);
  const sla = () => c.topic(Topics.sla);

  beforeAll(async () => {
    const t = Date.now();
    await c.start(2, 2);
    figures.stackStartMs = Date.now() - t;
  }, 180_000);
  afterAll(async () => {
    await c.stop();
    process.stderr.write(`cluster figures: ${JSON.stringify(figures)}\n`);
  }, 60_000);

  it('walking skeleton: a webhook at either gateway becomes an escalation on both routers\' SSE streams', async () => {
    const streams = await Promise.all(c.urls('router').map((u) => openSse(`${u}/api/stream`, SUPERVISOR_KEY)));
    expect(streams.map((s) => s.status)).toEqual([200, 200]);
    const [gwA, gwB] = c.gateways;
    const angry = webhookMessage(gwA, 'cloudevents', thread(), ANGRY);
    const calm = webhookMessage(gwB, 'chatwoot', thread(), 'Hello, could you tell me your opening hours please?');
    const t0 = Date.now();
    expect((await deliver(gwA, angry.delivery)).status).toBe(200);
    expect((await deliver(gwB, calm.delivery)).status).toBe(200);
    const raisedFor = (conv: string) => (s: (typeof streams)[number]) => s.events.find((e) => e.event === 'raised' && (e.data as { conversationId: string }).conversationId === conv);
    const raised = await Promise.all(streams.map((s) => waitFor('SSE raised on each router', () => raisedFor(angry.conversationId)(s), 30_000)));
    figures.skeletonMs = Date.now() - t0;
    for (const r of raised) expect((r.data as { reasons: { code: string }[] }).reasons[0].code).toBe('negative_emotion');
    // The calm message is processed (its signal says not negative), and its SLA clock runs out:
    // warning, breach and an escalation for the breach only, seen on both streams too.
    const calmSignal = await waitFor('calm signal', () => signals().find((m) => m.json?.subject === calm.conversationId));
    expect(calmSignal.json!.data.negative).toBe(false);
    await expectSlaOnce(sla(), escalations(), [calm.conversationId], 30_000);
    const calmRaised = await Promise.all(streams.map((s) => waitFor('SSE raised for the breach', () => raisedFor(calm.conversationId)(s), 30_000)));
    for (const r of calmRaised) expect((r.data as { reasons: { code: string }[] }).reasons.map((x) => x.code)).toEqual(['sla_breached']);
    for (const s of streams) s.close();
    figures.skeleton = await c.expectSteadyState();
  }, 90_000);

  it('kill -9 of one instance of each service mid-load loses nothing and doubles no escalation, warning or breach', async () => {
    const events = rollingLoad(uniq('kill'), 1500);
    const kills: Record<string, number> = {};
    const kill = (app: (typeof APPS)[number]) => () => c.faults.during(`kill -9 ${app}`, async () => {
      const t = Date.now();
      await c.stack.restart(app, 'SIGKILL');
      kills[`${app}RestartMs`] = Date.now() - t;
    }, 40_000);
    await sendPaced(c.kafka, Topics.chat, events, RATE, [
      { atMs: 2000, run: kill('emotion-detector') }, { atMs: 4000, run: kill('sla-monitor') }, { atMs: 6000, run: kill('router') },
    ], { stampAtSend: true });
    const delays = await c.expectLoadProcessed(events);
    figures.sigkill = { ...delays, ...kills, ...await c.expectSteadyState() };
  }, 300_000);

  it('an instance joining and another leaving mid-load (rebalances) loses nothing and republishes nothing', async () => {
    // The load lasts until every joiner has worked and left, and 3 s more (a new instance takes
    // 10-20 s to boot on a busy machine): joins and leaves both happen while messages arrive.
    const all = rollingLoad(uniq('rebalance'), 9000);
    const worked: Record<string, number> = {};
    let left = 0;
    let allLeftAt = 0;
    const joinThenLeave = (app: (typeof APPS)[number]) => async () => {
      const s = await c.stack.scaleOut(app);
      await waitFor(`${app} instance that joined consumes`, async () => (worked[app] = await consumedOk(s.url)) > 0, 60_000, 250);
      await c.stack.scaleIn(app, 'SIGTERM');
      if (++left === 3) allLeftAt = Date.now();
    };
    const sent = await sendPaced(c.kafka, Topics.chat, all, RATE, [
      { atMs: 0, run: joinThenLeave('emotion-detector') }, { atMs: 300, run: joinThenLeave('sla-monitor') }, { atMs: 600, run: joinThenLeave('router') },
    ], { stampAtSend: true, until: () => allLeftAt > 0 && Date.now() - allLeftAt > 3_000 });
    expect(allLeftAt).toBeGreaterThan(0);
    expect(sent).toBeLessThan(all.length); // the joiners left before the load ran out
    const events = all.slice(0, sent);
    const delays = await c.expectLoadProcessed(events);
    // No fault here: the whole run is steady state, so not one id may be published twice.
    figures.rebalance = { ...delays, events: sent, joinedInstanceConsumed: worked, ...await c.expectSteadyState() };
  }, 300_000);

  it('kill -9 of a broker mid-load: producers and consumers fail over and nothing is lost', async () => {
    const events = rollingLoad(uniq('broker'), 1500);
    const admin = await c.kafka.admin();
    const [meta] = (await admin.fetchTopicMetadata({ topics: [c.kafka.topic(Topics.chat)] })).topics;
    await admin.disconnect();
    const victim = meta.partitions.find((p) => p.partitionId === 0)!.leader;
    const probe = new OpsProbe([...APPS.map((a) => c.urls(a)[0]), c.gateways[0].url], 250).start();
    const webhooks: string[] = [];
    let killedAt = 0;
    try {
      await Promise.all([
        sendPaced(c.kafka, Topics.chat, events, RATE, [{ atMs: 3000, run: () => c.faults.during(`kill -9 broker ${victim}`, async () => {
          await clusterFaults.killBroker(victim);
          killedAt = Date.now();
        }, 40_000) }], { stampAtSend: true }),
        // Platforms retry a webhook until the gateway answers 200 (it answers 503 while Kafka cannot take it).
        (async () => {
          for (let i = 0; i < 60; i++) {
            const gw = c.gateways[i % 2];
            const m = webhookMessage(gw, 'cloudevents', thread(), i % 2 ? ANGRY : 'Thanks, that helped.', randomUUID());
            await waitFor('webhook accepted', async () => (await deliver(gw, m.delivery).catch(() => ({ status: 0 }))).status === 200, 60_000, 250);
            webhooks.push(m.conversationId);
            await new Promise((r) => setTimeout(r, 150));
          }
        })(),
      ]);
      const delays = await c.expectLoadProcessed(events).catch(async (e: Error) => {
        throw new Error(`${e.message}\ntriage: ${JSON.stringify(await triageMissing(c, events.map((x) => x.data.messageId as string)))}`);
      });
      await waitFor('a signal for every webhook', () => webhooks.every((conv) => signals().some((m) => m.json?.subject === conv)), 60_000, 200);
      expect(await clusterFaults.liveBrokers()).not.toContain(victim);
      const afterKill = emotionSignals(signals()).filter((m) => m.timestamp > killedAt);
      expect(distinct(afterKill, (m) => m.json!.id).size).toBeGreaterThan(500);
      figures.brokerKill = { victim, ...delays, ops: probe.summary(killedAt), ...await c.expectSteadyState() };
    } finally {
      await probe.stop();
      await clusterFaults.restartBroker(victim);
    }
    // The bound, as in fault-network: 95 % of the /health and /metrics answers within 200 ms
    // and none slower than the probe's 2 s, from the kill on. Measured p95 53-105 / 62-144 ms over
    // five runs (14 JVM and Node processes of the tier on 2 cores); 389 / 450 ms in the case's first
    // run, on a machine busier with other work.
    const s = probe.summary(killedAt);
    const fast = (x: { p95Ms: number; maxMs: number }) => x.p95Ms < 200 && x.maxMs < 2000;
    expect({ health: fast(s.health), metrics: fast(s.metrics), s }).toEqual({ health: true, metrics: true, s });
  }, 300_000);
});

/**
 * Where the messages without a signal went, when the count falls short: not in the input topic
 * (the test's producer), in it without a signal in the signals topic read afresh (a service lost
 * it), or with one there that the long-running collector missed (it crashed on the dead broker).
 */
async function triageMissing(c: AuditedStack, ids: string[]) {
  const [input, fresh] = await Promise.all([c.kafka.readAll(Topics.chat), c.kafka.readAll(Topics.signals)]);
  const msgId = (m: { json?: { data: Record<string, unknown> } }) => m.json?.data?.messageId as string | undefined;
  const inInput = new Set(input.map(msgId));
  const inTopic = new Set(emotionSignals(fresh).map(msgId));
  const collected = new Set(emotionSignals(c.topic(Topics.signals)).map(msgId));
  const missing = ids.filter((id) => !collected.has(id));
  return {
    missing: missing.length, notInInput: missing.filter((id) => !inInput.has(id)).length,
    noSignalInTopic: missing.filter((id) => inInput.has(id) && !inTopic.has(id)).length,
    inTopicNotCollected: missing.filter((id) => inTopic.has(id)).length,
  };
}

async function consumedOk(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return [...text.matchAll(/^cx_messages_consumed_total\{[^}]*outcome="ok"[^}]*\} (\d+)/gm)].reduce((n, m) => n + Number(m[1]), 0);
}
