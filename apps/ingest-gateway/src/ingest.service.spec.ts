// The behaviour every connector shares, with narrow fakes of the ports: 404s, 401 without
// publishing, 503 + Retry-After while Kafka or Redis do not answer, trace context carried over,
// and every request counted under one outcome.
import { PipelineMetrics } from '@cx/metrics';
import { fixtureDirectory, FIXTURE_SECRETS } from './testing/fixture-tenants';
import { GatewayMetrics } from './gateway-metrics';
import { IngestService } from './ingest.service';
import { MemoryContactStarts, RecordingPublisher } from './testing/fakes';
import { bearer, zendeskHeaders } from './testing/platform-signers';

const at = new Date('2026-03-03T08:05:01.000Z');
const comment = JSON.stringify({
  type: 'zen:event-type:ticket.comment_added', id: 'evt-1', time: '2026-03-03T08:05:00Z', subject: 'zen:ticket:7',
  detail: { id: '7', requester_id: '1', via: { channel: 'email' } },
  event: { comment: { id: '11', body: 'Still broken!', is_public: true, author: { id: '1', is_staff: false } } },
});

function setup() {
  const publisher = new RecordingPublisher();
  const starts = new MemoryContactStarts();
  const metrics = new GatewayMetrics(new PipelineMetrics('test'));
  const service = new IngestService(fixtureDirectory(), publisher, starts, metrics, { retryAfterSeconds: 7, pseudonymKey: 'k-0123456789' });
  const zendesk = (headers: Record<string, string> = zendeskHeaders(FIXTURE_SECRETS.zendesk, comment, at), tenant = 'acme', connector = 'zendesk') =>
    service.handle(tenant, connector, { headers, originalUrl: `/ingest/${tenant}/${connector}`, body: Buffer.from(comment), receivedAt: at });
  const count = async (connector: string, outcome: string) =>
    (await metrics.requests.get()).values.find((v) => v.labels.connector === connector && v.labels.outcome === outcome)?.value ?? 0;
  return { publisher, starts, service, zendesk, count };
}

describe('IngestService', () => {
  it('publishes a signed delivery and answers 200', async () => {
    const { publisher, zendesk, count } = setup();
    const r = await zendesk();
    expect(r).toMatchObject({ status: 200, body: { status: 'published', published: 1 } });
    expect(publisher.events.map((e) => e.event.id)).toEqual(['evt-1']);
    expect(await count('zendesk', 'published')).toBe(1);
  });

  it('answers 404 for an unknown tenant, an unknown connector and a connector the tenant lacks', async () => {
    const { publisher, zendesk, count } = setup();
    expect(await zendesk(undefined, 'nobody')).toMatchObject({ status: 404, body: { reason: 'unknown tenant' } });
    expect(await zendesk(undefined, 'acme', 'freshdesk')).toMatchObject({ status: 404, body: { reason: 'unknown connector "freshdesk"' } });
    expect(await zendesk(undefined, 'legacy')).toMatchObject({ status: 404, body: { reason: 'the tenant has no zendesk connector configured' } });
    expect(publisher.events).toEqual([]);
    expect(await count('unknown', 'not_found')).toBe(1);
    expect(await count('zendesk', 'not_found')).toBe(2);
  });

  it('answers 401 and publishes nothing for a wrong, missing or stale signature', async () => {
    const { publisher, zendesk, count } = setup();
    const good = zendeskHeaders(FIXTURE_SECRETS.zendesk, comment, at);
    const flipped = good['x-zendesk-webhook-signature'].replace(/^./, (c) => (c === 'A' ? 'B' : 'A'));
    expect(await zendesk({ ...good, 'x-zendesk-webhook-signature': flipped })).toMatchObject({ status: 401, body: { reason: 'X-Zendesk-Webhook-Signature does not match' } });
    expect(await zendesk({ 'content-type': 'application/json' })).toMatchObject({ status: 401, body: { reason: 'missing X-Zendesk-Webhook-Signature header' } });
    const stale = zendeskHeaders(FIXTURE_SECRETS.zendesk, comment, new Date(at.getTime() - 5 * 60_000 - 1000));
    expect(await zendesk(stale)).toMatchObject({ status: 401, body: { reason: 'signature timestamp is more than 5 minutes old' } });
    expect(publisher.events).toEqual([]);
    expect(await count('zendesk', 'unauthorized')).toBe(3);
  });

  it('answers 503 with Retry-After while Kafka does not acknowledge, and 200 for the retry once it does', async () => {
    const { publisher, zendesk, count } = setup();
    publisher.unavailable = true;
    const r = await zendesk();
    expect(r).toMatchObject({ status: 503, headers: { 'Retry-After': '7' }, body: { error: 'unavailable' } });
    publisher.unavailable = false;
    expect((await zendesk()).status).toBe(200);
    expect(publisher.events).toHaveLength(1);
    expect(await count('zendesk', 'unavailable')).toBe(1);
  });

  it('answers 503 when the contact-start store (Redis) does not answer', async () => {
    const { starts, service, publisher } = setup();
    starts.unavailable = true;
    const body = JSON.stringify({ Version: '1.0.0', Channel: 'VOICE', ContactId: 'c-1', EventType: 'STARTED' });
    const r = await service.handle('acme', 'amazon-connect', { headers: bearer(FIXTURE_SECRETS.amazonConnect), originalUrl: '/ingest/acme/amazon-connect', body: Buffer.from(body), receivedAt: at });
    expect(r).toMatchObject({ status: 503, body: { reason: 'Redis did not answer within 3000 ms' } });
    expect(publisher.events).toEqual([]);
  });

  it('carries the request traceparent onto the events it causes', async () => {
    const { publisher, zendesk } = setup();
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    await zendesk({ ...zendeskHeaders(FIXTURE_SECRETS.zendesk, comment, at), traceparent, tracestate: 'vendor=1' });
    expect(publisher.events[0].event).toMatchObject({ traceparent, tracestate: 'vendor=1' });
    publisher.clear();
    await zendesk({ ...zendeskHeaders(FIXTURE_SECRETS.zendesk, comment, at), traceparent: 'not-a-trace' });
    expect(publisher.events[0].event.traceparent).toBeUndefined();
  });

  it('dead-letters in the services format: raw body, reason and origin in x-dlq-* headers', async () => {
    const { publisher, service } = setup();
    const raw = '{"not":"a ticket event"';
    const r = await service.handle('acme', 'zendesk', { headers: zendeskHeaders(FIXTURE_SECRETS.zendesk, raw, at), originalUrl: '/ingest/acme/zendesk', body: Buffer.from(raw), receivedAt: at });
    expect(r.status).toBe(422);
    const dl = publisher.deadLetters[0];
    expect(dl.topic).toBe('cx.dlq');
    expect(dl.value).toEqual(Buffer.from(raw));
    expect(dl.headers).toMatchObject({
      'x-dlq-service': 'ingest-gateway', 'x-dlq-topic': 'POST /ingest/acme/zendesk', 'x-ingest-tenant': 'acme', 'x-ingest-connector': 'zendesk',
      'x-dlq-reason': expect.stringMatching(/^body is not valid JSON/),
    });
    expect(dl.headers?.['x-zendesk-webhook-signature']).toBeUndefined();
  });
});
