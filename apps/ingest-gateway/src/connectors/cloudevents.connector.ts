// The CloudEvents HTTP protocol binding (cloudevents/spec http-protocol-binding.md) for platforms
// that speak it already: binary mode (attributes in ce-* headers, data as the body), structured
// mode (application/cloudevents+json) and batched mode (application/cloudevents-batch+json). The
// events are contract events already: validated with the contract's own validateCloudEvent and passed
// through with their extensions; only a missing tenantid is filled in from the URL.
import { InteractionEvent, validateCloudEvent, type Channel } from '@cx/contracts';
import type { IngestRequest, MapContext, PassThroughEvent, RecordOutcome } from '../ingest-types';
import { UnmappableError } from '../ingest-types';
import { verifyBearer } from '../signatures/hmac-signatures';
import { jsonRecords, unmappable, type Connector } from './connector';
import { isObject, type Json } from './payload-fields';

const STRUCTURED = /^application\/cloudevents\+json\s*(;.*)?$/i;
const BATCH = /^application\/cloudevents-batch\+json\s*(;.*)?$/i;
const JSON_TYPE = /^application\/([a-z0-9.+-]+\+)?json\s*(;.*)?$/i;

function headerValue(v: string): string {
  try { return decodeURIComponent(v); } catch { return v; }
}

/** Binary mode: the ce-* headers are the attributes, Content-Type the datacontenttype. */
function binaryEvent(req: IngestRequest): Json {
  const attrs: Json = {};
  for (const [name, value] of Object.entries(req.headers)) if (name.startsWith('ce-')) attrs[name.slice(3)] = headerValue(value);
  const contentType = req.headers['content-type'];
  if (contentType) attrs.datacontenttype = contentType;
  if (req.body.length === 0) return attrs;
  if (contentType && !JSON_TYPE.test(contentType)) return { ...attrs, data: req.body.toString('utf8') };
  try {
    return { ...attrs, data: JSON.parse(req.body.toString('utf8')) };
  } catch (e) {
    throw new UnmappableError(`binary-mode data is not valid JSON: ${(e as Error).message}`);
  }
}

function candidates(req: IngestRequest): unknown[] {
  const ct = req.headers['content-type'] ?? '';
  if (BATCH.test(ct)) {
    const records = jsonRecords(req.body);
    if (!req.body.toString('utf8').trimStart().startsWith('[')) throw new UnmappableError('a cloudevents-batch body must be a JSON array');
    return records;
  }
  if (STRUCTURED.test(ct)) return jsonRecords(req.body);
  if (req.headers['ce-specversion'] !== undefined) return [binaryEvent(req)];
  // Lenient: JSON without ce-* headers is read as structured (one event) or batched (an array).
  return jsonRecords(req.body);
}

function channelOf(event: { type: string; data?: { channel?: string } }): Channel {
  const c = event.data?.channel;
  if (c === 'chat' || c === 'email' || c === 'call') return c;
  return event.type.startsWith('cx.call.') ? 'call' : 'chat';
}

function mapEvent(candidate: unknown, ctx: MapContext): RecordOutcome {
  if (!isObject(candidate)) return unmappable('event is not a JSON object');
  const tenant = candidate.tenantid;
  if (tenant !== undefined && tenant !== ctx.tenant) {
    return unmappable(`tenantid ${JSON.stringify(tenant)} differs from the tenant of the URL (${ctx.tenant})`);
  }
  const decoded = validateCloudEvent({ ...candidate, tenantid: ctx.tenant }, InteractionEvent);
  if (!decoded.ok) return unmappable(decoded.reason);
  const event = { ...decoded.event, ...decoded.extensions } as PassThroughEvent['event'];
  return { kind: 'passthrough', events: [{ event, channel: channelOf(decoded.event as { type: string; data?: { channel?: string } }) }] };
}

export const cloudeventsConnector: Connector<'cloudevents'> = {
  name: 'cloudevents',
  authenticate: (req, cfg) => verifyBearer(req.headers, cfg),
  map: (req, ctx) => candidates(req).map((c) => mapEvent(c, ctx)),
};
