import { Topics } from '@cx/contracts';
import { customerMessage } from './support/events';
import { openSse } from './support/sse-client';
import { StackFixture, SUPERVISOR_KEY } from './support/stack-fixture';
import { waitFor } from './support/wait-for';
import { uniq } from './support/ids';

describe('walking skeleton over real Kafka and Redis', () => {
  const stack = new StackFixture();

  beforeAll(async () => {
    await stack.start('emotion-detector', 'router');
  }, 120_000);
  afterAll(() => stack.stop(), 60_000);

  it('turns a negative customer message into an SSE escalation, and a neutral one into none', async () => {
    const signals = await stack.kafka.collect(Topics.signals);
    const escalations = await stack.kafka.collect(Topics.escalations);
    const sse = await openSse(`${stack.url('router')}/api/stream`, SUPERVISOR_KEY);
    expect(sse.status).toBe(200);

    const angryEn = uniq('conv-en');
    const angryDe = uniq('conv-de');
    const calm = uniq('conv-calm');
    const t0 = Date.now();
    await stack.kafka.produce(Topics.chat, [
      customerMessage(angryEn, 'This is unacceptable, I have been waiting for three weeks!'),
      customerMessage(calm, 'Hello, could you tell me your opening hours please?'),
    ]);
    await stack.kafka.produce(Topics.email, [customerMessage(angryDe, 'Das ist eine Frechheit, ich warte seit drei Wochen!', 'email')]);

    const raisedEn = await waitFor('SSE raised (en)', () => sse.events.find((e) => e.event === 'raised' && (e.data as { conversationId: string }).conversationId === angryEn));
    const latencyMs = Date.now() - t0;
    await waitFor('SSE raised (de)', () => sse.events.find((e) => e.event === 'raised' && (e.data as { conversationId: string }).conversationId === angryDe));
    const escalation = raisedEn.data as { severity: string; reasons: { code: string; evidence: unknown[] }[]; status: string };
    expect(escalation.status).toBe('open');
    expect(escalation.reasons[0].code).toBe('negative_emotion');
    expect(escalation.reasons[0].evidence.length).toBeGreaterThan(0);

    // The calm message's own signal proves it was processed, so the absence of an escalation is real.
    const calmSignal = await waitFor('calm signal', () => signals.find((m) => m.json?.subject === calm));
    expect(calmSignal.json!.data.negative).toBe(false);
    await waitFor('raised event on Kafka', () => escalations.find((m) => m.json?.type === 'cx.escalation.raised.v1' && m.json.subject === angryEn));
    expect(escalations.filter((m) => m.json?.subject === calm)).toHaveLength(0);
    expect(sse.events.filter((e) => (e.data as { conversationId: string }).conversationId === calm)).toHaveLength(0);
    sse.close();
    process.stderr.write(`walking skeleton: negative message → SSE event in ${latencyMs} ms\n`);
  }, 60_000);
});
