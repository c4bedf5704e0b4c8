// CloudEvents conformance (docs/contract.md) proven with clients nobody here wrote: the official
// `cloudevents` SDK (Kafka.binary / Kafka.structured handed to kafkajs) and kcat from Debian produce
// events with extensions into the running services; every output they cause carries the input's
// trace context down to the escalation and its notification, and parses back with the SDK's own
// Kafka binding and validation. Content types the contract does not read are dead-lettered.
import { join } from 'node:path';
import { CloudEvent } from 'cloudevents';
import { Topics } from '@cx/contracts';
import { kcatProduce, newTrace, SdkProducer, sdkEvent } from './support/cloudevents-sdk';
import { uniq } from './support/ids';
import type { Received } from './support/kafka-test-client';
import { StackFixture, SUPERVISOR_KEY } from './support/stack-fixture';
import { waitFor } from './support/wait-for';

const POLICIES = join(__dirname, 'fixtures', 'sla', 'fast-policies.yaml');
const ANGRY = 'This is unacceptable, I have been waiting for three weeks!';
type Data = Record<string, any>;
type Trace = ReturnType<typeof newTrace>;
const byName = (a: { service: string }, b: { service: string }) => a.service.localeCompare(b.service);

const message = (conv: string, channel: 'chat' | 'email', text: string, customer = 'cust-1') =>
  ({ conversationId: conv, channel, messageId: uniq('m'), author: { role: 'customer', id: customer }, text });

describe('CloudEvents conformance: the official SDK and kcat into the running services', () => {
  const stack = new StackFixture({ SLA_POLICIES_FILE: POLICIES });
  const sdk = new SdkProducer(stack.prefix);
  const out: Record<'signals' | 'sla' | 'escalations' | 'notifications' | 'dlq', Received[]> = { signals: [], sla: [], escalations: [], notifications: [], dlq: [] };
  /** Every conversation a test fed with valid events: none of them may reach cx.dlq. */
  const valid: string[] = [];

  const outputs = (conv: string) => [...out.signals, ...out.sla, ...out.escalations, ...out.notifications].filter((m) => m.json?.subject === conv);
  const one = (conv: string, type: string, where: (d: Data) => boolean = () => true) =>
    waitFor(`${type} for ${conv}`, () => outputs(conv).find((m) => m.json!.type === type && where(m.json!.data)), 20_000);

  /** Everything the conversation caused carries the input's trace context (the audit trail is the API's, not the event's). */
  const expectTraced = (conv: string, trace: Trace) => {
    const caused = outputs(conv).filter((m) => m.json!.type !== 'cx.audit.recorded.v1');
    expect(caused.length).toBeGreaterThan(0);
    for (const m of caused) expect({ type: m.json!.type, traceparent: m.json!.traceparent, tracestate: m.json!.tracestate }).toEqual({ type: m.json!.type, ...trace });
  };

  /** Our outputs read back by the SDK's Kafka binding and checked by the SDK's own schema validation. */
  const expectSdkReadsBack = (conv: string) => {
    for (const m of outputs(conv)) {
      const ev = sdkEvent(m);
      expect(ev.validate()).toBe(true);
      expect({ type: ev.type, id: ev.id, subject: ev.subject, tenantid: ev.tenantid, partitionkey: ev.partitionkey })
        .toEqual({ type: m.json!.type, id: m.json!.id, subject: conv, tenantid: 'default', partitionkey: conv });
      expect(ev.data).toEqual(m.json!.data);
    }
  };

  beforeAll(async () => {
    await stack.start('emotion-detector', 'sla-monitor', 'router');
    for (const k of Object.keys(out) as (keyof typeof out)[]) out[k] = await stack.kafka.collect(Topics[k]);
    const res = await fetch(`${stack.url('router')}/api/agents/a1`, {
      method: 'PUT', headers: { Authorization: `Bearer ${SUPERVISOR_KEY}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'Alex', teams: ['support'], languages: ['en', 'de'], skills: [], role: 'agent', status: 'available', maxConcurrent: 5 }),
    });
    expect(res.status).toBe(200);
  }, 120_000);
  afterAll(async () => {
    await sdk.close();
    await stack.stop();
  }, 60_000);

  it('binary mode (Kafka.binary) with traceparent, tracestate, partitionkey and an unknown extension: escalated, SLA-breached, acknowledged, all traced', async () => {
    const conv = uniq('sdk-binary');
    const trace = newTrace('acme');
    valid.push(conv);
    // The Kafka binding puts `data` into the value as it is: the JSON text (kafkajs writes strings and bytes).
    await sdk.send(Topics.chat, 'binary', new CloudEvent({
      type: 'cx.message.v1', source: 'urn:acme:crm', subject: conv, datacontenttype: 'application/json',
      data: JSON.stringify(message(conv, 'chat', ANGRY)), partitionkey: conv, acmeregion: 'eu-central-1', ...trace,
    }));

    const signal = await one(conv, 'cx.signal.emotion.v1');
    expect(signal.json!.data.negative).toBe(true);
    await one(conv, 'cx.escalation.requested.v1', (d) => d.detector === 'emotion-detector');
    const raised = await one(conv, 'cx.escalation.raised.v1');
    await one(conv, 'cx.notification.sent.v1', (d) => d.recipient === 'a1' && d.outcome === 'delivered');
    // No agent answers: fast-chat's first-response clock (started by this message) warns at 1.5 s and breaches at 3 s.
    await one(conv, 'cx.sla.warning.v1');
    await one(conv, 'cx.sla.breached.v1');
    await one(conv, 'cx.escalation.requested.v1', (d) => d.detector === 'sla-monitor');
    await one(conv, 'cx.escalation.updated.v1', (d) => d.change === 'merged');

    const id = raised.json!.data.escalationId as string;
    for (const action of ['ack', 'resolve']) {
      const r = await fetch(`${stack.url('router')}/api/escalations/${id}/${action}`, { method: 'POST', headers: { Authorization: `Bearer ${SUPERVISOR_KEY}` } });
      expect(r.status).toBe(200);
    }
    await one(conv, 'cx.escalation.acknowledged.v1');
    await one(conv, 'cx.escalation.resolved.v1');
    expectTraced(conv, trace);
    expectSdkReadsBack(conv);
  }, 60_000);

  it('structured mode (Kafka.structured) with a charset parameter and data_base64: customer-level signals too, all traced', async () => {
    const conv = uniq('sdk-structured');
    const customer = uniq('cust');
    const trace = newTrace('zen');
    valid.push(conv);
    const ev = (type: string, data: unknown, extra: Record<string, unknown> = {}) => new CloudEvent({
      type, source: 'urn:acme:mail', subject: conv, partitionkey: conv, sequence: 1, ...trace, ...extra, data,
    } as Record<string, unknown>);
    const json = 'application/json; charset=utf-8';
    await sdk.send(Topics.email, 'structured', ev('cx.conversation.opened.v1', { conversationId: conv, channel: 'email', customer: { id: customer } }, { datacontenttype: json }));
    await sdk.send(Topics.email, 'structured', ev('cx.message.v1', message(conv, 'email', ANGRY, customer), { datacontenttype: json }));
    // A Buffer as data: the SDK writes it as data_base64 in structured mode.
    await sdk.send(Topics.email, 'structured', ev('cx.message.v1', Buffer.from(JSON.stringify(message(conv, 'email', 'Still nothing. This is outrageous, I want a refund!', customer))), { datacontenttype: 'application/json' }));
    await sdk.send(Topics.email, 'structured', ev('cx.message.v1', message(conv, 'email', 'Worst service ever, I am cancelling my contract!', customer)));
    await sdk.send(Topics.email, 'structured', ev('cx.conversation.status.v1', { conversationId: conv, channel: 'email', status: 'resolved' }, { datacontenttype: json }));

    await waitFor('three negative emotion signals', () => outputs(conv).filter((m) => m.json!.type === 'cx.signal.emotion.v1' && m.json!.data.negative === true).length === 3, 20_000);
    await one(conv, 'cx.signal.customer_at_risk.v1');
    await one(conv, 'cx.signal.ended_negative.v1');
    await one(conv, 'cx.escalation.raised.v1');
    await one(conv, 'cx.notification.sent.v1');
    expectTraced(conv, trace);
    expectSdkReadsBack(conv);
  }, 60_000);

  it('kcat (Debian) producing a binary-mode event with ce_* headers from the shell: escalated, traced', async () => {
    const conv = uniq('kcat');
    const trace = newTrace('shell');
    valid.push(conv);
    await kcatProduce(stack.kafka.topic(Topics.chat), conv, {
      ce_specversion: '1.0', ce_id: uniq('kcat-event'), ce_source: 'urn:shell:kcat', ce_type: 'cx.message.v1',
      ce_time: new Date().toISOString(), ce_subject: conv, ce_traceparent: trace.traceparent, ce_tracestate: trace.tracestate,
      ce_partitionkey: conv, ce_shellhost: 'ops-1', ce_dataschema: null, 'content-type': 'application/json; charset=utf-8',
    }, JSON.stringify(message(conv, 'chat', 'Das ist eine Frechheit, ich warte seit drei Wochen!')));
    const signal = await one(conv, 'cx.signal.emotion.v1');
    expect(signal.json!.data.negative).toBe(true);
    await one(conv, 'cx.escalation.raised.v1');
    await one(conv, 'cx.notification.sent.v1');
    expectTraced(conv, trace);
    expectSdkReadsBack(conv);
  }, 60_000);

  it('dead-letters data that is not JSON with the reason in x-dlq-reason, and none of the valid events', async () => {
    const plain = uniq('dlq-text');
    const xml = uniq('dlq-xml');
    const notJson = uniq('dlq-not-json');
    const attrs = (conv: string) => ({ type: 'cx.message.v1', source: 'urn:acme:crm', subject: conv, partitionkey: conv, ...newTrace('acme') });
    await sdk.send(Topics.chat, 'binary', new CloudEvent({ ...attrs(plain), datacontenttype: 'text/plain', data: 'I am angry' }));
    await sdk.send(Topics.chat, 'structured', new CloudEvent({ ...attrs(xml), datacontenttype: 'application/xml', data: '<message>I am angry</message>' }));
    await sdk.send(Topics.chat, 'binary', new CloudEvent({ ...attrs(notJson), datacontenttype: 'application/json', data: 'I am angry' }));

    // Each service consuming the topic dead-letters it once (emotion-detector and sla-monitor).
    const reasons = async (conv: string) => (await waitFor(`${conv} on cx.dlq`, () => {
      const found = out.dlq.filter((m) => m.key === conv);
      return found.length >= 2 && found;
    }, 20_000)).map((m) => ({ service: m.headers['x-dlq-service'], reason: m.headers['x-dlq-reason'] }));
    const byService = (reason: RegExp) => ['emotion-detector', 'sla-monitor'].map((service) => ({ service, reason: expect.stringMatching(reason) }));
    expect((await reasons(plain)).sort(byName)).toEqual(byService(/^unsupported datacontenttype "text\/plain"/));
    expect((await reasons(xml)).sort(byName)).toEqual(byService(/^unsupported datacontenttype "application\/xml"/));
    expect((await reasons(notJson)).sort(byName)).toEqual(byService(/^data is not valid JSON/));
    for (const conv of [plain, xml, notJson]) expect(outputs(conv)).toHaveLength(0);
    // The valid events of the other tests were processed (their outputs arrived), and none was dead-lettered.
    expect(out.dlq.filter((m) => valid.includes(m.key ?? ''))).toHaveLength(0);
    expect(valid).toHaveLength(3);
  }, 60_000);

  it('every output type the services emitted parsed back by the SDK without an error', () => {
    const types = new Set([...out.signals, ...out.sla, ...out.escalations, ...out.notifications].map((m) => {
      const ev = sdkEvent(m);
      expect(ev.validate()).toBe(true);
      return ev.type;
    }));
    expect([...types].sort()).toEqual(expect.arrayContaining([
      'cx.escalation.acknowledged.v1', 'cx.escalation.raised.v1', 'cx.escalation.requested.v1', 'cx.escalation.resolved.v1', 'cx.escalation.updated.v1',
      'cx.notification.sent.v1', 'cx.signal.customer_at_risk.v1', 'cx.signal.emotion.v1', 'cx.signal.ended_negative.v1', 'cx.sla.breached.v1', 'cx.sla.warning.v1',
    ]));
  });
});
