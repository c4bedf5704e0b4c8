// Every fixture (apps/ingest-gateway/fixtures/<connector>/*.json, payloads built from each
// platform's public documentation and open-source code, named in its `_source`) goes through the
// real IngestService, signed the way the platform signs, and must yield exactly the contract events it
// lists, in order, each one valid on the wire (encoded and decoded by the contract's codec).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InteractionEvent, decodeCloudEvent, encodeCloudEvent } from '@cx/contracts';
import { PipelineMetrics } from '@cx/metrics';
import { CONNECTOR_NAMES, type ConnectorName } from './connectors-config';
import { GatewayMetrics } from './gateway-metrics';
import { IngestService } from './ingest.service';
import { MemoryContactStarts, RecordingPublisher } from './testing/fakes';
import { FIXTURE_SECRETS, fixtureDirectory } from './testing/fixture-tenants';
import { bearer, chatwootHeaders, twilioForm, twilioJson, zendeskHeaders } from './testing/platform-signers';

interface FixtureRequest {
  note?: string;
  receivedAt: string;
  tenant?: string;
  query?: string;
  headers?: Record<string, string>;
  body?: unknown;
  form?: Record<string, string | string[]>;
  raw?: string;
  sign?: boolean;
  expect: { status: number; events?: Record<string, unknown>[]; deadLetter?: string };
}
interface Fixture { _source: string; connector: ConnectorName; requests: FixtureRequest[] }

const DIR = join(__dirname, '..', 'fixtures');
const files = CONNECTOR_NAMES.flatMap((c) => readdirSync(join(DIR, c)).filter((f) => f.endsWith('.json')).map((f) => `${c}/${f}`));

/** {"$regex": "…"} in an expectation matches a string by pattern (pseudonyms, derived values). */
function matcher(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(matcher);
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (typeof o.$regex === 'string') return expect.stringMatching(new RegExp(o.$regex));
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, matcher(x)]));
  }
  return v;
}

function build(connector: ConnectorName, r: FixtureRequest) {
  const tenant = r.tenant ?? 'acme';
  const at = new Date(r.receivedAt);
  let path = `/ingest/${tenant}/${connector}${r.query ?? ''}`;
  let body = r.raw ?? (r.body === undefined ? '' : JSON.stringify(r.body));
  let headers: Record<string, string> = {};
  if (r.form) {
    const f = twilioForm(FIXTURE_SECRETS.twilio, FIXTURE_SECRETS.publicUrl + path, r.form);
    body = f.body;
    headers = f.headers;
  } else if (r.sign !== false) {
    if (connector === 'chatwoot') headers = chatwootHeaders(FIXTURE_SECRETS.chatwoot, body, at);
    if (connector === 'zendesk') headers = zendeskHeaders(FIXTURE_SECRETS.zendesk, body, at);
    if (connector === 'amazon-connect') headers = bearer(FIXTURE_SECRETS.amazonConnect);
    if (connector === 'cloudevents') headers = bearer(FIXTURE_SECRETS.cloudevents, 'application/cloudevents+json');
    if (connector === 'twilio') {
      const j = twilioJson(FIXTURE_SECRETS.twilio, FIXTURE_SECRETS.publicUrl, path, body);
      path = j.path;
      headers = j.headers;
    }
  }
  return { tenant, request: { headers: { ...headers, ...r.headers }, originalUrl: path, body: Buffer.from(body), receivedAt: at } };
}

describe.each(files)('fixture %s', (file) => {
  const fixture = JSON.parse(readFileSync(join(DIR, file), 'utf8')) as Fixture;

  it('names where its shape comes from', () => {
    expect(fixture._source).toMatch(/\S{20,}/);
    expect(file.startsWith(`${fixture.connector}/`)).toBe(true);
  });

  it('maps to the expected contract events', async () => {
    const publisher = new RecordingPublisher();
    const service = new IngestService(fixtureDirectory(), publisher, new MemoryContactStarts(), new GatewayMetrics(new PipelineMetrics('test')), {
      retryAfterSeconds: 5, pseudonymKey: 'fixture-pseudonym-key',
    });
    for (const [i, r] of fixture.requests.entries()) {
      publisher.clear();
      const { tenant, request } = build(fixture.connector, r);
      const res = await service.handle(tenant, fixture.connector, request);
      const what = `request ${i}${r.note ? ` (${r.note})` : ''}: ${JSON.stringify(res.body)}`;
      expect({ what, status: res.status }).toEqual({ what, status: r.expect.status });
      const expected = (r.expect.events ?? []).map(({ _topic, ...event }) => (_topic ? { topic: _topic, event } : { event }));
      expect(publisher.events).toMatchObject(matcher(expected) as object[]);
      for (const e of publisher.events) {
        const decoded = decodeCloudEvent(encodeCloudEvent(e.event), InteractionEvent);
        expect(decoded).toMatchObject({ ok: true });
        expect(e.event.tenantid).toBe(tenant);
      }
      if (r.expect.deadLetter) {
        expect(publisher.deadLetters).toHaveLength(1);
        expect(String(publisher.deadLetters[0].headers?.['x-dlq-reason'])).toMatch(new RegExp(r.expect.deadLetter));
        expect(publisher.deadLetters[0].value).toEqual(request.body);
      } else {
        expect(publisher.deadLetters).toEqual([]);
      }
    }
  });
});
