// OpenTelemetry tracing across the four services as real processes, exporting over OTLP/HTTP to
// a real receiver (Jaeger, built from its Go module): one signed webhook becomes one trace with
// spans from the gateway, both detectors and the router down to the SSE and webhook deliveries;
// the ladder step taken when nobody acknowledges and the SLA breach fired later from its timer
// stay in that trace; and with no endpoint set nothing is traced (the events' trace context
// passes through untouched).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Topics } from '@cx/contracts';
import { SLA_SOURCE } from '@cx/sla';
import { startGatewayProcess, type GatewayProcess } from '../apps/ingest-gateway/src/testing/gateway-process';
import { customerMessage as platformMessage, deliver } from '../apps/ingest-gateway/src/testing/platform-client';
import { customerMessage } from './support/events';
import { agentBody } from './support/router-fixture';
import { startReceiver } from './support/http-receiver';
import { uniq } from './support/ids';
import { OtlpReceiver, type SpanView, type TraceView } from './support/otlp-receiver';
import { openSse } from './support/sse-client';
import { StackFixture, SUPERVISOR_KEY } from './support/stack-fixture';
import { waitFor } from './support/wait-for';

const ANGRY = 'This is unacceptable! I have been waiting for three weeks and nobody helps me.';
const hex = (bytes: number) => randomBytes(bytes).toString('hex');
const thread = () => String(Date.now() % 1e9) + String(Math.floor(Math.random() * 1e4)).padStart(4, '0');

function one(t: TraceView, pred: (s: SpanView) => boolean, what: string): SpanView {
  const found = t.spans.filter(pred);
  if (found.length !== 1) throw new Error(`expected one ${what}, found ${found.length}: ${t.spans.map((s) => `${s.service}/${s.name}`).join(', ')}`);
  return found[0];
}

describe('tracing: one trace from the webhook to the SSE and webhook deliveries (Jaeger)', () => {
  let jaeger: OtlpReceiver;
  let hooks: Awaited<ReturnType<typeof startReceiver>>;
  let stack: StackFixture;
  let gw: GatewayProcess;

  beforeAll(async () => {
    jaeger = await OtlpReceiver.start();
    hooks = await startReceiver(() => 200);
    const dir = mkdtempSync(join(tmpdir(), 'cx-tracing-'));
    // One agent and a short acknowledgement timeout: the escalation goes to a1, then, unacknowledged, up the ladder to the team.
    const ackTimeouts = { critical: 'PT1S', high: 'PT1S', medium: 'PT1S', low: 'PT1S' };
    writeFileSync(join(dir, 'routing.json'), JSON.stringify({ defaults: { ackTimeouts, teams: { settings: { support: { webhookUrl: `${hooks.url}/hooks/support/secret-token` } } } } }));
    // A first-response target short enough to breach while the test waits.
    writeFileSync(join(dir, 'policies.yaml'), 'policies:\n  - id: chat-fast\n    match: { channel: chat }\n    targets: { firstResponse: PT3S }\n');
    stack = new StackFixture({
      OTEL_EXPORTER_OTLP_ENDPOINT: jaeger.otlpHttpUrl, OTEL_BSP_SCHEDULE_DELAY: '200',
      ROUTER_CONFIG_FILE: join(dir, 'routing.json'), ROUTER_WEBHOOK_TICK_MS: '50', ROUTER_SCHEDULER_TICK_MS: '50',
      SLA_POLICIES_FILE: join(dir, 'policies.yaml'), LOG_LEVEL: 'log',
    });
    await stack.start('emotion-detector', 'sla-monitor', 'router');
    gw = await startGatewayProcess(stack.env);
    const put = await fetch(`${stack.url('router')}/api/agents/a1`, {
      method: 'PUT', headers: { Authorization: `Bearer ${SUPERVISOR_KEY}`, 'Content-Type': 'application/json' }, body: JSON.stringify(agentBody('a1', 'agent')),
    });
    expect(put.status).toBe(200);
  }, 1_200_000);
  afterAll(async () => {
    await gw?.stop();
    await stack?.stop();
    await hooks?.close();
    await jaeger?.stop();
  }, 60_000);

  it('follows one customer message through every service, its ladder step and its SLA breach too', async () => {
    const inputs = await stack.kafka.collect(Topics.chat);
    const escalations = await stack.kafka.collect(Topics.escalations);
    const notifications = await stack.kafka.collect(Topics.notifications);
    const sse = await openSse(`${stack.url('router')}/api/stream`, SUPERVISOR_KEY);
    const traceId = hex(16);
    const clientSpan = hex(8); // the platform's own span, as a traced webhook sender would name it
    const { delivery, conversationId } = platformMessage(gw, 'chatwoot', thread(), ANGRY);
    const res = await deliver(gw, delivery, { traceparent: `00-${traceId}-${clientSpan}-01` });
    expect(res).toMatchObject({ status: 200, body: { status: 'published' } });
    const raised = await waitFor('SSE raised', () => sse.events.find((e) => e.event === 'raised' && (e.data as { conversationId: string }).conversationId === conversationId), 20_000);
    const { escalationId } = raised.data as { escalationId: string };
    sse.close();

    const p = stack.prefix;
    const processOf = (svc: string, topic: string) => (s: SpanView) => s.service === svc && s.name === `process ${p}.${topic}`;
    // Spans arrive in separate exports: wait for the last hop of each branch (the breach's request at
    // the router, the ladder step's webhook).
    const t = await jaeger.waitForTrace(traceId, (x) => {
      const idsOf = (name: string) => x.spans.filter((s) => s.name === name).map((s) => s.spanId);
      const [fired, stepped] = [idsOf('sla fire'), idsOf('ladder step')];
      return x.spans.some((s) => s.name === 'sse deliver')
        && x.spans.some((s) => processOf('router', Topics.escalations)(s) && fired.includes(s.parentSpanId ?? ''))
        && x.spans.some((s) => s.name === 'webhook deliver' && stepped.includes(s.parentSpanId ?? ''));
    }, 30_000);
    expect(t.services).toEqual(expect.arrayContaining(['emotion-detector', 'ingest-gateway', 'router', 'sla-monitor']));
    expect(new Set(t.spans.map((s) => s.traceId))).toEqual(new Set([traceId]));

    // gateway: the request's server span under the platform's span; the event it published carries it.
    const request = one(t, (s) => s.service === 'ingest-gateway' && s.name === 'POST /ingest/{tenant}/{connector}', 'gateway request span');
    expect(request.parentSpanId).toBe(clientSpan);
    expect(request.attributes).toMatchObject({ 'span.kind': 'server', 'http.request.method': 'POST', 'http.response.status_code': 200, 'cx.connector': 'chatwoot', 'cx.outcome': 'published' });
    const input = inputs.find((m) => m.json?.subject === conversationId)!.json!;
    expect(input.traceparent).toBe(`00-${traceId}-${request.spanId}-01`);

    // both detectors: a consumer span per message, child of the gateway's, with the messaging conventions.
    const detected = one(t, processOf('emotion-detector', Topics.chat), 'emotion-detector message span');
    const clocked = one(t, processOf('sla-monitor', Topics.chat), 'sla-monitor message span');
    for (const [s, group] of [[detected, stack.env.EMOTION_GROUP_ID], [clocked, stack.env.SLA_GROUP_ID]] as const) {
      expect(s.parentSpanId).toBe(request.spanId);
      expect(s.attributes).toMatchObject({
        'span.kind': 'consumer', 'messaging.system': 'kafka', 'messaging.operation.type': 'process', 'messaging.destination.name': `${p}.${Topics.chat}`,
        'messaging.consumer.group.name': group, 'messaging.message.id': input.id, 'cloudevents.event_type': 'cx.message.v1', 'cx.tenant': 'default',
      });
      // ...linked to the span of the unit (the fetch) it was processed in, which is a trace of its own.
      expect(s.links).toHaveLength(1);
      const unitTrace = await jaeger.waitForTrace(s.links[0].traceId, (x) => x.spans.some((u) => u.spanId === s.links[0].spanId));
      const unit = unitTrace.spans.find((u) => u.spanId === s.links[0].spanId)!;
      expect(unit).toMatchObject({ service: s.service, name: `unit ${p}.${Topics.chat}` });
      expect(unit.attributes).toMatchObject({ 'messaging.consumer.group.name': group, 'cx.attempt': 1 });
      expect(unit.attributes['messaging.batch.message_count']).toBeGreaterThanOrEqual(1);
    }

    // router: the detector's request is processed under the detector's span, and so are the deliveries.
    const requests = escalations.filter((m) => m.json?.subject === conversationId && m.json.type === 'cx.escalation.requested.v1');
    const fromDetector = requests.find((m) => m.json!.source !== SLA_SOURCE)!.json!;
    expect(fromDetector.traceparent).toBe(`00-${traceId}-${detected.spanId}-01`);
    const routed = one(t, (s) => processOf('router', Topics.escalations)(s) && s.parentSpanId === detected.spanId, 'router span of the request');
    expect(routed.attributes['messaging.message.id']).toBe(fromDetector.id);
    const live = t.spans.find((s) => s.name === 'sse deliver' && s.parentSpanId === routed.spanId)!;
    expect(live).toBeDefined();
    expect(live.attributes).toMatchObject({ 'span.kind': 'producer', 'cx.change': 'raised' });
    expect(live.attributes['cx.sse.clients']).toBeGreaterThanOrEqual(1);
    const hook = one(t, (s) => s.name === 'webhook deliver' && s.parentSpanId === routed.spanId, 'webhook span of the raise');
    expect(hook.service).toBe('router');
    expect(hook.attributes).toMatchObject({ 'span.kind': 'client', 'http.request.method': 'POST', 'cx.outcome': 'delivered', 'cx.team': 'support' });
    // The webhook request itself continues the trace (W3C headers), and its notification names the delivery span.
    const hit = hooks.received.find((r) => r.headers.traceparent === `00-${traceId}-${hook.spanId}-01`);
    expect(hit).toBeDefined();
    expect(JSON.stringify(hit!.body)).toContain(escalationId);
    const delivered = await waitFor('webhook notification', () => notifications.find((m) => m.json?.subject === conversationId && (m.json.data as { channel: string }).channel === 'webhook'));
    expect(delivered.json!.traceparent).toBe(hit!.headers.traceparent);

    // The breach fires from its timer seconds later, in the trace of the message that started the clock.
    const fire = one(t, (s) => s.name === 'sla fire', 'SLA firing span');
    expect(fire).toMatchObject({ service: 'sla-monitor', parentSpanId: clocked.spanId });
    const breach = requests.find((m) => m.json!.source === SLA_SOURCE)
      ?? await waitFor('SLA escalation request', () => escalations.find((m) => m.json?.subject === conversationId && m.json.source === SLA_SOURCE));
    expect(breach.json!.traceparent).toBe(`00-${traceId}-${fire.spanId}-01`);
    const routedBreach = one(t, (s) => processOf('router', Topics.escalations)(s) && s.parentSpanId === fire.spanId, 'router span of the SLA request');

    // Nobody acknowledged within 1 s: the ladder's timer stepped the escalation up (a1 → the team) in the
    // trace of the request the escalation last took in, and the step's webhook and event follow the step.
    const step = one(t, (s) => s.name === 'ladder step', 'ladder step span');
    expect(step.service).toBe('router');
    expect([routed.spanId, routedBreach.spanId]).toContain(step.parentSpanId);
    expect(step.attributes).toMatchObject({ 'span.kind': 'internal', 'cx.tenant': 'default', 'cx.escalation.id': escalationId, 'cx.ladder.step': 1 });
    const stepHook = one(t, (s) => s.name === 'webhook deliver' && s.parentSpanId === step.spanId, 'webhook span of the ladder step');
    expect(stepHook.attributes).toMatchObject({ 'cx.outcome': 'delivered', 'cx.team': 'support' });
    expect(hooks.received.some((r) => r.headers.traceparent === `00-${traceId}-${stepHook.spanId}-01`)).toBe(true);
    const escalated = await waitFor('escalated update', () => escalations.find((m) => m.json?.subject === conversationId && m.json.type === 'cx.escalation.updated.v1'
      && (m.json.data as { change: string }).change === 'escalated'));
    expect(escalated.json!.traceparent).toBe(`00-${traceId}-${step.spanId}-01`);

    // No payload text and no secret in any span.
    const everything = JSON.stringify(t.spans);
    for (const secret of ['unacceptable', 'three weeks', 'secret-token', gw.secrets.chatwoot, SUPERVISOR_KEY, hooks.url]) expect(everything).not.toContain(secret);
  }, 90_000);

  it('traces nothing without an endpoint: no exporter, and events keep the trace context they came with', async () => {
    await gw.stop();
    await stack.stop();
    const name = uniq('untraced-detector');
    const off = new StackFixture({ OTEL_EXPORTER_OTLP_ENDPOINT: '', OTEL_SERVICE_NAME: name, LOG_LEVEL: 'log' });
    try {
      await off.start('emotion-detector');
      const detector = off.services.get('emotion-detector')!;
      expect(detector.output()).toContain('tracing off (no OTEL_EXPORTER_OTLP_ENDPOINT)');
      const signals = await off.kafka.collect(Topics.signals);
      const traceparent = `00-${hex(16)}-${hex(8)}-01`;
      const conv = uniq('conv-untraced');
      await off.kafka.produce(Topics.chat, [customerMessage(conv, ANGRY, 'chat', { traceparent, tracestate: 'vendor=7' })]);
      const signal = await waitFor('signal', () => signals.find((m) => m.json?.subject === conv), 20_000);
      // No span was made on the way: the output carries the input's context byte for byte.
      expect(signal.json).toMatchObject({ traceparent, tracestate: 'vendor=7' });
      // Jaeger listens on the SDK's default endpoint (127.0.0.1:4318): an SDK started with defaults would
      // have sent there by the time the service has flushed at shutdown.
      await detector.stop('SIGTERM');
      expect(await jaeger.services()).not.toContain(name);
      expect(await jaeger.trace(traceparent.slice(3, 35))).toBeUndefined();
    } finally {
      await off.stop();
    }
  }, 90_000);
});
