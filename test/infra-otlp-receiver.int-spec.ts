import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { uniq } from './support/ids';
import { OtlpReceiver } from './support/otlp-receiver';

const EMITTER = join(__dirname, 'fixtures', 'otlp', 'two-services-emitter.ts');

/**
 * Proves the tracing tests' receiver is real: spans exported over OTLP/HTTP by the OpenTelemetry
 * JS SDK from two "services" in a separate process, joined by a W3C traceparent the way events
 * carry it, come back from Jaeger's query API as one trace with the right parents and attributes.
 */
describe('infrastructure: OTLP receiver (Jaeger)', () => {
  let receiver: OtlpReceiver;
  // The first run builds Jaeger from its Go module (minutes on two cores); later runs reuse the binary.
  beforeAll(async () => { receiver = await OtlpReceiver.start(); }, 1_200_000);
  afterAll(() => receiver?.stop(), 30_000);

  it('receives spans posted over OTLP/HTTP and returns them as one trace across two services', async () => {
    const gatewayName = uniq('infra-gateway');
    const routerName = uniq('infra-router');
    const { stdout } = await promisify(execFile)(process.execPath, ['-r', '@swc-node/register', EMITTER, gatewayName, routerName], {
      env: { ...process.env, OTEL_EXPORTER_OTLP_ENDPOINT: receiver.otlpHttpUrl }, timeout: 30_000,
    });
    const sent = JSON.parse(stdout) as { traceparent: string; traceId: string; ingestSpanId: string; publishSpanId: string };
    expect(sent.traceparent).toBe(`00-${sent.traceId}-${sent.publishSpanId}-01`);

    const t = await receiver.waitForTrace(sent.traceId, (x) => x.spans.length === 3);
    expect(t.services).toEqual([gatewayName, routerName].sort());
    const byName = Object.fromEntries(t.spans.map((s) => [s.name, s]));
    expect(byName['ingest chatwoot']).toMatchObject({ service: gatewayName, spanId: sent.ingestSpanId, parentSpanId: undefined });
    expect(byName['ingest chatwoot'].attributes).toMatchObject({ 'cx.tenant': 'acme', 'span.kind': 'server' });
    expect(byName['cx.interactions.chat publish']).toMatchObject({ spanId: sent.publishSpanId, parentSpanId: sent.ingestSpanId });
    // The router's span continues the trace from the traceparent it was handed.
    expect(byName['cx.escalations process']).toMatchObject({ service: routerName, traceId: sent.traceId, parentSpanId: sent.publishSpanId });
    expect(byName['cx.escalations process'].attributes).toMatchObject({ 'messaging.system': 'kafka', 'cx.attempt': 1, 'span.kind': 'consumer' });

    // Found by service too, as a test that does not know the trace id will look it up.
    expect((await receiver.traces(routerName)).map((x) => x.traceId)).toEqual([sent.traceId]);
    expect(await receiver.services()).toEqual(expect.arrayContaining([gatewayName, routerName]));
    expect(await receiver.trace('0123456789abcdef0123456789abcdef')).toBeUndefined();
  }, 60_000);
});
