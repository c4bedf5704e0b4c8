import { Topics } from '@cx/contracts';
import { customerMessage } from './support/events';
import { uniq } from './support/ids';
import { StackFixture } from './support/stack-fixture';
import { waitFor } from './support/wait-for';

describe('delivery guarantees of the batch transport', () => {
  const stack = new StackFixture();

  beforeAll(() => stack.start('emotion-detector', 'router'), 120_000);
  afterAll(() => stack.stop(), 60_000);

  it('dead-letters poison messages with the reason and the original bytes, and keeps consuming', async () => {
    const dlq = await stack.kafka.collect(Topics.dlq);
    const signals = await stack.kafka.collect(Topics.signals);
    const conv = uniq('conv');
    const garbage = Buffer.from([0xff, 0xfe, 0x00, 0x7b, 0x22]);
    const missingText = customerMessage(conv, 'x');
    delete (missingText.data as Record<string, unknown>).text;
    await stack.kafka.produceRaw(Topics.chat, [
      { key: conv, value: garbage },
      { key: conv, value: JSON.stringify(missingText) },
      { key: conv, value: JSON.stringify(customerMessage(conv, 'Thanks, that helped.')) },
    ]);
    await waitFor('two dead letters', () => dlq.filter((m) => m.key === conv).length === 2);
    const [first, second] = dlq.filter((m) => m.key === conv);
    expect(first.value).toEqual(garbage);
    expect(first.headers['x-dlq-reason']).toMatch(/not valid JSON/);
    expect(first.headers['x-dlq-topic']).toBe(Topics.chat);
    expect(second.headers['x-dlq-reason']).toMatch(/data\.text/);
    expect(JSON.parse(second.value!.toString()).id).toBe(missingText.id);
    // The valid message behind the poison still flows.
    await waitFor('signal after poison', () => signals.find((m) => m.json?.subject === conv));

    const metrics = await (await fetch(`${stack.url('emotion-detector')}/metrics`)).text();
    expect(metrics).toMatch(/cx_messages_consumed_total\{[^}]*topic="cx.interactions.chat"[^}]*outcome="dead_lettered"[^}]*\} 2/);
    expect(metrics).toMatch(/cx_events_produced_total\{[^}]*type="cx.signal.emotion.v1"/);
    expect(metrics).toMatch(/cx_dead_letters_total\{[^}]*reason="invalid_json"[^}]*\} 1/);
  }, 60_000);

  it('processes the same CloudEvent delivered twice once: one signal, one request, one escalation', async () => {
    const signals = await stack.kafka.collect(Topics.signals);
    const escalations = await stack.kafka.collect(Topics.escalations);
    const conv = uniq('conv');
    const angry = customerMessage(conv, 'This is unacceptable, I want my money back!');
    await stack.kafka.produce(Topics.chat, [angry]);
    await stack.kafka.produce(Topics.chat, [angry]); // a producer retry: same id, separate batch
    const marker = customerMessage(conv, 'ok thanks');
    await stack.kafka.produce(Topics.chat, [marker]);
    await waitFor('marker processed', () => signals.find((m) => m.json?.data.messageId === marker.data.messageId));
    await waitFor('raised', () => escalations.find((m) => m.json?.type === 'cx.escalation.raised.v1' && m.json.subject === conv));
    expect(signals.filter((m) => m.json?.data.messageId === angry.data.messageId)).toHaveLength(1);
    const forConv = escalations.filter((m) => m.json?.subject === conv);
    expect(forConv.filter((m) => m.json?.type === 'cx.escalation.requested.v1')).toHaveLength(1);
    expect(forConv.filter((m) => m.json?.type === 'cx.escalation.raised.v1')).toHaveLength(1);

    const metrics = await (await fetch(`${stack.url('emotion-detector')}/metrics`)).text();
    expect(metrics).toMatch(/cx_messages_consumed_total\{[^}]*outcome="dropped"[^}]*\} [1-9]/);
  }, 60_000);

  it('accepts binary-mode CloudEvents (ce_* headers) like the official SDKs produce', async () => {
    const signals = await stack.kafka.collect(Topics.signals);
    const conv = uniq('conv');
    const e = customerMessage(conv, 'Das ist eine Frechheit!');
    await stack.kafka.produceRaw(Topics.chat, [{
      key: conv,
      value: JSON.stringify(e.data),
      headers: {
        ce_specversion: '1.0', ce_id: e.id, ce_source: e.source, ce_type: e.type, ce_time: e.time,
        ce_subject: conv, 'content-type': 'application/json',
      },
    }]);
    const s = await waitFor('signal from binary event', () => signals.find((m) => m.json?.subject === conv));
    expect(s.json!.data.negative).toBe(true);
    expect(s.headers['content-type']).toMatch(/application\/cloudevents\+json/);
  }, 60_000);
});
