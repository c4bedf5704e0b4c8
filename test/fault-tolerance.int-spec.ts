import { Kafka, logLevel } from 'kafkajs';
import { Topics } from '@cx/contracts';
import { TrafficGenerator } from '../scripts/loadgen/traffic-generator';
import { customerLoad, sendPaced } from './support/load-script';
import { distinct, emotionSignals, expectEffectsOnce } from './support/effect-checks';
import { StackFixture } from './support/stack-fixture';
import { waitFor } from './support/wait-for';

describe('fault tolerance with real processes', () => {
  let stack: StackFixture;
  afterEach(() => stack?.stop(), 60_000);

  it('loses nothing and duplicates nothing when services are killed with SIGKILL mid-load', async () => {
    stack = new StackFixture();
    await stack.start('emotion-detector', 'router');
    const signals = await stack.kafka.collect(Topics.signals);
    const escalations = await stack.kafka.collect(Topics.escalations);
    const events = customerLoad(stack.prefix, 1200, 60);
    await sendPaced(stack.kafka, Topics.chat, events, 250, [
      { atMs: 1200, run: () => stack.restart('emotion-detector', 'SIGKILL') },
      { atMs: 2500, run: () => stack.restart('router', 'SIGKILL') },
    ]);
    await waitFor('a signal for every message', () => distinct(emotionSignals(signals), (m) => m.json?.data.messageId as string).size === events.length, 90_000, 200);
    expect(emotionSignals(signals).filter((m) => m.json!.data.negative === true).length).toBeGreaterThan(250);
    await expectEffectsOnce(signals, escalations);
  }, 180_000);

  it('shows no duplicates downstream when a second instance joins the group mid-load (rebalance)', async () => {
    stack = new StackFixture();
    await stack.start('emotion-detector', 'router');
    const signals = await stack.kafka.collect(Topics.signals);
    const escalations = await stack.kafka.collect(Topics.escalations);
    // Long enough that the second instance (a few seconds to start) joins while load still arrives.
    const events = customerLoad(stack.prefix, 2400, 60);
    await sendPaced(stack.kafka, Topics.chat, events, 200, [{ atMs: 500, run: () => stack.scaleOut('emotion-detector') }]);
    await waitFor('a signal for every message', () => distinct(emotionSignals(signals), (m) => m.json?.data.messageId as string).size === events.length, 90_000, 200);
    expect(emotionSignals(signals).filter((m) => m.json!.data.negative === true).length).toBeGreaterThan(500);
    await expectEffectsOnce(signals, escalations);
    // Both instances did work: the group really was shared.
    const perInstance = await Promise.all([stack.url('emotion-detector'), stack.extra[0].url].map(async (u) =>
      Number(/cx_messages_consumed_total\{[^}]*outcome="ok"[^}]*\} (\d+)/.exec(await (await fetch(`${u}/metrics`)).text())?.[1] ?? 0)));
    expect(perInstance.every((n) => n > 0)).toBe(true);
  }, 180_000);

  it('dead-letters 1% poison messages and processes every valid one', async () => {
    stack = new StackFixture();
    await stack.start('emotion-detector');
    const signals = await stack.kafka.collect(Topics.signals);
    const dlq = await stack.kafka.collect(Topics.dlq);
    const gen = new TrafficGenerator({ seed: 11, conversations: 100, customers: 80, negativeShare: 0.2, complaintShare: 0.1, poisonShare: 0.01, agentReplyRate: 0.8, tenant: 'default', runId: stack.prefix });
    const generated = Array.from({ length: 2000 }, () => gen.next(Date.now()));
    for (let i = 0; i < generated.length; i += 200) {
      for (const topic of [Topics.chat, Topics.email, Topics.call]) {
        const chunk = generated.slice(i, i + 200).filter((g) => g.topic === topic);
        if (chunk.length) await stack.kafka.produceRaw(topic, chunk.map((g) => ({ key: g.key, value: typeof g.value === 'string' ? g.value : JSON.stringify(g.value) })));
      }
    }
    const poison = generated.filter((g) => g.poison).length;
    const customerMessages = generated.filter((g) => !g.poison && typeof g.value === 'object' && g.value.type === 'cx.message.v1'
      && (g.value.data as { author: { role: string } }).author.role === 'customer').length;
    expect(poison).toBeGreaterThan(5);
    await waitFor('every poison message in the DLQ', () => dlq.length === poison, 60_000, 200);
    await waitFor('a flag for every valid customer message', () => emotionSignals(signals).length === customerMessages, 60_000, 200);
    expect(dlq.every((m) => m.headers['x-dlq-reason'])).toBe(true);
  }, 120_000);

  it('drains the in-flight batch on SIGTERM: every committed offset has its effect and nothing is left half done', async () => {
    stack = new StackFixture({ KAFKA_PARTITION_CONCURRENCY: '1' });
    const events = customerLoad(stack.prefix, 4000, 200);
    for (let i = 0; i < events.length; i += 500) await stack.kafka.produce(Topics.chat, events.slice(i, i + 500));
    const signals = await stack.kafka.collect(Topics.signals);
    await stack.start('emotion-detector');
    await waitFor('processing under way', () => signals.length > 300, 60_000, 20);
    const svc = stack.services.get('emotion-detector')!;
    const t0 = Date.now();
    await svc.stop('SIGTERM');
    const stoppedInMs = Date.now() - t0;
    stack.services.delete('emotion-detector');
    const admin = new Kafka({ clientId: 'test', brokers: [process.env.CX_TEST_BROKERS ?? '127.0.0.1:9092'], logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    const offsets = await admin.fetchOffsets({ groupId: stack.env.EMOTION_GROUP_ID, topics: [stack.kafka.topic(Topics.chat)] });
    await admin.disconnect();
    const committed = offsets[0].partitions.reduce((n, p) => n + Math.max(0, Number(p.offset)), 0);
    // Let the collector catch up with what the service published before it exited.
    await waitFor('signals of committed messages', () => distinct(emotionSignals(signals), (m) => m.json?.data.messageId as string).size >= committed, 20_000, 100);
    expect(committed).toBeGreaterThan(300);
    expect(committed).toBeLessThan(events.length);
    expect(distinct(emotionSignals(signals), (m) => m.json?.data.messageId as string).size).toBe(committed);
    expect(stoppedInMs).toBeLessThan(30_000);
  }, 120_000);
});
