// One request, the same way for every connector (docs/connectors.md): tenant and connector → 404,
// signature → 401, map every record → contract events validated against the contract, publish with
// acks=all → 200, nothing mapped → 202, a record that cannot be mapped → its raw body to cx.dlq
// and 422, Kafka (or Redis) not answering in time → 503 with Retry-After. No I/O of its own: the
// publisher and the contact-start store are ports.
import { createHmac } from 'node:crypto';
import { InteractionEvent, Topics, describeZodError, makeEvent, traceOf, type Channel, type TraceContext } from '@cx/contracts';
import { deadLetter } from '@cx/kafka';
import { ATTR_MESSAGING_MESSAGE_ID, ATTR_MESSAGING_SYSTEM, createdTrace } from '@cx/tracing';
import { CONNECTORS } from './connectors';
import { isConnectorName, type ConnectorDirectory } from './connectors-config';
import type { ConnectorLabel, GatewayMetrics, RequestOutcome } from './gateway-metrics';
import { UnmappableError, type ContactStartStore, type EventDraft, type IngestRequest, type MapContext, type RecordOutcome } from './ingest-types';
import { PublishUnavailable, type IngestDeadLetter, type IngestEvent, type IngestPublisher } from './publishing/ingest-publisher';

export interface IngestResponse {
  status: number;
  outcome: RequestOutcome;
  body: Record<string, unknown>;
  headers?: Record<string, string>;
}

export interface IngestServiceOptions {
  retryAfterSeconds: number;
  pseudonymKey: string;
}

const TOPIC: Record<Channel, string> = { chat: Topics.chat, email: Topics.email, call: Topics.call };

export class IngestService {
  constructor(
    private readonly directory: ConnectorDirectory,
    private readonly publisher: IngestPublisher,
    private readonly contactStarts: ContactStartStore,
    private readonly metrics: GatewayMetrics,
    private readonly opts: IngestServiceOptions,
  ) {}

  /** For requests the controller rejects before they reach a connector (body too large, …). */
  reject(connector: string, status: number, outcome: RequestOutcome, reason: string): IngestResponse {
    return this.finish(isConnectorName(connector) ? connector : 'unknown', { status, outcome, body: { error: outcome, reason } });
  }

  async handle(tenant: string, connectorName: string, req: Omit<IngestRequest, 'tenant' | 'connector'>): Promise<IngestResponse> {
    if (!isConnectorName(connectorName)) return this.reject(connectorName, 404, 'not_found', `unknown connector "${connectorName.slice(0, 64)}"`);
    const connector = CONNECTORS[connectorName];
    if (!this.directory.hasTenant(tenant)) return this.reject(connectorName, 404, 'not_found', 'unknown tenant');
    const cfg = this.directory.config(tenant, connectorName);
    if (!cfg) return this.reject(connectorName, 404, 'not_found', `the tenant has no ${connectorName} connector configured`);
    const request: IngestRequest = { ...req, tenant, connector: connectorName };
    const started = process.hrtime.bigint();
    const auth = connector.authenticate(request, cfg as never, request.receivedAt);
    if (!auth.ok) return this.reject(connectorName, 401, 'unauthorized', auth.reason);

    const mapped = await this.mapRequest(request);
    if (mapped instanceof PublishUnavailable) return this.unavailable(connectorName, mapped);
    this.metrics.mapping.observe({ connector: connectorName }, Number(process.hrtime.bigint() - started) / 1e9);
    const { events, failures, ignored } = mapped;
    for (const [outcome, n] of [['mapped', mapped.recordsMapped], ['ignored', ignored.length], ['unmappable', failures.length]] as const) {
      if (n) this.metrics.records.inc({ connector: connectorName, outcome }, n);
    }
    if (events.length === 0 && failures.length === 0) {
      return this.finish(connectorName, { status: 202, outcome: 'ignored', body: { status: 'ignored', published: 0, ignored: ignored.length, reasons: [...new Set(ignored)].slice(0, 10) } });
    }
    const reason = failures.map((f) => (mapped.records > 1 ? `record ${f.index}: ${f.reason}` : f.reason)).join('; ');
    const dead = failures.length ? [this.deadLetter(request, reason)] : [];
    try {
      await this.publisher.publish(events, dead);
    } catch (e) {
      if (e instanceof PublishUnavailable) return this.unavailable(connectorName, e);
      throw e;
    }
    this.metrics.ack.observe({ connector: connectorName }, Number(process.hrtime.bigint() - started) / 1e9);
    if (failures.length) {
      return this.finish(connectorName, { status: 422, outcome: 'unmappable', body: { error: 'unmappable', reason, published: events.length, deadLettered: true } });
    }
    return this.finish(connectorName, { status: 200, outcome: 'published', body: { status: 'published', published: events.length, ignored: ignored.length } });
  }

  private async mapRequest(req: IngestRequest) {
    const ctx: MapContext = {
      tenant: req.tenant, receivedAt: req.receivedAt, contactStarts: this.contactStarts,
      pseudonym: (v) => `cust-${createHmac('sha256', this.opts.pseudonymKey).update(`${req.tenant}\u001f${v.trim().toLowerCase()}`).digest('hex').slice(0, 24)}`,
    };
    let outcomes: RecordOutcome[];
    try {
      outcomes = await CONNECTORS[req.connector].map(req, ctx);
    } catch (e) {
      if (e instanceof PublishUnavailable) return e;
      // A payload no mapping rule anticipated is the platform's data, not our crash: 422 + DLQ.
      const reason = e instanceof UnmappableError ? e.message : `mapping failed: ${(e as Error).message}`;
      outcomes = [{ kind: 'unmappable', reason }];
    }
    const trace = traceOf({ traceparent: req.headers.traceparent, tracestate: req.headers.tracestate });
    const events: IngestEvent[] = [];
    const failures: { index: number; reason: string }[] = [];
    const ignored: string[] = [];
    let recordsMapped = 0;
    outcomes.forEach((o, index) => {
      if (o.kind === 'ignored') { ignored.push(o.reason); return; }
      if (o.kind === 'unmappable') { failures.push({ index, reason: o.reason }); return; }
      const built = o.kind === 'events' ? o.events.map((d) => this.envelope(req, d, trace)) : o.events.map((p) => withTrace(p.event, trace, p.channel));
      const invalid = built.find((b) => typeof b === 'string');
      if (invalid) { failures.push({ index, reason: invalid as string }); return; }
      events.push(...(built as IngestEvent[]));
      recordsMapped++;
    });
    return { events, failures, ignored, records: outcomes.length, recordsMapped };
  }

  /** The contract CloudEvent of a draft, checked against the contract; a string says why it is invalid. */
  private envelope(req: IngestRequest, d: EventDraft, trace: TraceContext): IngestEvent | string {
    const event = makeEvent({
      type: d.type, id: d.id, source: `urn:cx:ingest-gateway:${req.connector}`, subject: d.conversationId, time: d.time,
      tenantid: req.tenant, data: d.data, cause: trace,
    });
    const check = InteractionEvent.safeParse(event);
    if (!check.success) return `mapped ${d.type} is invalid: ${describeZodError(check.error)}`;
    return { topic: d.type.startsWith('cx.call.') ? Topics.call : TOPIC[d.channel], event };
  }

  private deadLetter(req: IngestRequest, reason: string): IngestDeadLetter {
    const headers: Record<string, string> = { 'x-ingest-tenant': req.tenant, 'x-ingest-connector': req.connector };
    if (req.headers['content-type']) headers['content-type'] = req.headers['content-type'];
    const dl: IngestDeadLetter = deadLetter({ key: null, value: req.body, headers }, {
      topic: `POST /ingest/${req.tenant}/${req.connector}`, partition: -1, offset: '-1', service: 'ingest-gateway',
    }, reason);
    this.metrics.pipeline.deadLettered.inc({ topic: 'ingest', reason: /valid JSON|form body|empty JSON/.test(reason) ? 'invalid_json' : 'schema' });
    return dl;
  }

  private unavailable(connector: ConnectorLabel, e: Error): IngestResponse {
    return this.finish(connector, {
      status: 503, outcome: 'unavailable', headers: { 'Retry-After': String(this.opts.retryAfterSeconds) },
      body: { error: 'unavailable', reason: e.message, retryAfterSeconds: this.opts.retryAfterSeconds },
    });
  }

  private finish(connector: ConnectorLabel, r: IngestResponse): IngestResponse {
    this.metrics.requests.inc({ connector, outcome: r.outcome });
    return r;
  }
}

/**
 * A passed-through event keeps its own trace (with tracing on, through a producer span of the
 * gateway in it); the HTTP request's applies when it has none.
 */
function withTrace(event: IngestEvent['event'], trace: TraceContext, channel: Channel): IngestEvent {
  const topic = event.type.startsWith('cx.call.') ? Topics.call : TOPIC[channel];
  if (event.traceparent === undefined) return { topic, event: trace.traceparent ? { ...event, ...trace } : event };
  const own = createdTrace(`create ${topic}`, event as TraceContext, { [ATTR_MESSAGING_SYSTEM]: 'kafka', [ATTR_MESSAGING_MESSAGE_ID]: event.id });
  return { topic, event: own.traceparent === event.traceparent ? event : { ...event, ...own } };
}
