// The HTTP surface with the real controller, service and metrics over fake ports: the signed raw
// bytes reach the signature check untouched (no body parser), bodies over 1 MiB get 413 with or
// without a Content-Length, and /metrics shows the request outcomes.
import { Test } from '@nestjs/testing';
import type { INestApplication } from '@nestjs/common';
import type { AddressInfo } from 'node:net';
import { request as httpRequest } from 'node:http';
import { MetricsModule, PipelineMetrics } from '@cx/metrics';
import { GatewayMetrics } from './gateway-metrics';
import { IngestController, ingestRoute, mountIngestRoute } from './ingest.controller';
import { IngestService } from './ingest.service';
import { MemoryContactStarts, RecordingPublisher } from './testing/fakes';
import { FIXTURE_SECRETS, fixtureDirectory } from './testing/fixture-tenants';
import { chatwootHeaders } from './testing/platform-signers';

describe('POST /ingest/{tenant}/{connector}', () => {
  let app: INestApplication;
  let base: string;
  const publisher = new RecordingPublisher();

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [MetricsModule.forRoot('ingest-gateway', [])],
      providers: [
        IngestController,
        { provide: GatewayMetrics, inject: [PipelineMetrics], useFactory: (m: PipelineMetrics) => new GatewayMetrics(m) },
        {
          provide: IngestService, inject: [GatewayMetrics],
          useFactory: (m: GatewayMetrics) => new IngestService(fixtureDirectory(), publisher, new MemoryContactStarts(), m, { retryAfterSeconds: 5, pseudonymKey: 'test-key-0123' }),
        },
      ],
    }).compile();
    app = moduleRef.createNestApplication({ bodyParser: false, logger: false });
    mountIngestRoute(app.getHttpServer(), app.get(IngestController));
    await app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  });
  afterAll(() => app.close());

  it('verifies the signature over the exact bytes sent (whitespace and key order kept)', async () => {
    const body = '{ "event" : "conversation_status_changed",\n  "id": 42, "account_id": 1, "status": "resolved" }';
    const res = await fetch(`${base}/ingest/acme/chatwoot`, { method: 'POST', headers: chatwootHeaders(FIXTURE_SECRETS.chatwoot, body, new Date(), 'dlv-1'), body });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'published', published: 1, ignored: 0 });
    expect(publisher.events[0].event).toMatchObject({ id: 'dlv-1', subject: 'chatwoot:1:42' });
  });

  it('answers 413 for a body over 1 MiB, declared or streamed', async () => {
    const big = Buffer.alloc(1024 * 1024 + 1, 'a');
    const declared = await fetch(`${base}/ingest/acme/chatwoot`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: big });
    expect(declared.status).toBe(413);
    expect(await declared.json()).toEqual({ error: 'too_large', reason: 'body over 1 MiB' });
    const streamed = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(`${base}/ingest/acme/zendesk`, { method: 'POST', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      for (let i = 0; i < 17; i++) req.write(Buffer.alloc(64 * 1024, 'b'));
      req.end();
    });
    expect(streamed).toBe(413);
  });

  it('routes only POST /ingest/{tenant}/{connector}, percent-decoded, with its query', () => {
    expect(ingestRoute('/ingest/acme/zendesk')).toEqual({ tenant: 'acme', connector: 'zendesk' });
    expect(ingestRoute('/ingest/ac%20me/twilio/?x=1')).toEqual({ tenant: 'ac me', connector: 'twilio' });
    expect(ingestRoute('/ingest/acme')).toBeNull();
    expect(ingestRoute('/ingest/acme/zendesk/extra')).toBeNull();
    expect(ingestRoute('/ingestx/acme/zendesk')).toBeNull();
    expect(ingestRoute('/ingest/%E0%A4%A/zendesk')).toBe('malformed');
  });

  it('answers 404 for paths outside the contract and counts outcomes in /metrics', async () => {
    expect((await fetch(`${base}/ingest/acme`, { method: 'POST' })).status).toBe(404);
    expect((await fetch(`${base}/ingest/acme/chatwoot`, { method: 'GET' })).status).toBe(404);
    expect((await fetch(`${base}/ingest/%E0%A4%A/chatwoot`, { method: 'POST', body: '{}' })).status).toBe(400);
    expect((await fetch(`${base}/ingest/nobody/chatwoot`, { method: 'POST', body: '{}' })).status).toBe(404);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/cx_ingest_requests_total\{connector="chatwoot",outcome="published",service="ingest-gateway"\} 1/);
    expect(metrics).toMatch(/cx_ingest_requests_total\{connector="chatwoot",outcome="too_large",service="ingest-gateway"\} 1/);
    expect(metrics).toMatch(/cx_ingest_requests_total\{connector="chatwoot",outcome="not_found",service="ingest-gateway"\} 1/);
    expect(metrics).toMatch(/cx_ingest_mapping_duration_seconds_count\{[^}]*connector="chatwoot"[^}]*\} 1\n/);
  });
});
