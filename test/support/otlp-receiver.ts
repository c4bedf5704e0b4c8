/*
 * A real OTLP receiver for tracing tests: Jaeger v2 (built from its Go module by
 * scripts/tools.js) takes OTLP over HTTP (4318) and gRPC (4317) and keeps spans in memory; this
 * module starts it and reads traces back through Jaeger's query API (16686), normalised to spans
 * with their service, parent, links and attributes.
 */
import { waitFor } from './wait-for';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const tools = require('../../scripts/tools.js');

export interface SpanView {
  traceId: string;
  spanId: string;
  /** The CHILD_OF reference (the parent in the same trace), if any. */
  parentSpanId?: string;
  /** Other references (OTLP span links): spans this one follows from, possibly in other traces. */
  links: { traceId: string; spanId: string }[];
  name: string;
  service: string;
  startTimeUs: number;
  durationUs: number;
  attributes: Record<string, string | number | boolean>;
}

export interface TraceView {
  traceId: string;
  spans: SpanView[];
  services: string[];
}

interface JaegerTrace {
  traceID: string;
  spans: {
    traceID: string; spanID: string; operationName: string; startTime: number; duration: number; processID: string;
    references?: { refType: string; traceID: string; spanID: string }[];
    tags?: { key: string; value: string | number | boolean }[];
  }[];
  processes: Record<string, { serviceName: string }>;
}

function toView(t: JaegerTrace): TraceView {
  const spans = t.spans.map((s): SpanView => {
    const refs = s.references ?? [];
    const parent = refs.find((r) => r.refType === 'CHILD_OF' && r.traceID === s.traceID);
    return {
      traceId: s.traceID,
      spanId: s.spanID,
      parentSpanId: parent?.spanID,
      links: refs.filter((r) => r !== parent).map((r) => ({ traceId: r.traceID, spanId: r.spanID })),
      name: s.operationName,
      service: t.processes[s.processID]?.serviceName ?? 'unknown',
      startTimeUs: s.startTime,
      durationUs: s.duration,
      attributes: Object.fromEntries((s.tags ?? []).map((tag) => [tag.key, tag.value])),
    };
  });
  return { traceId: t.traceID, spans, services: [...new Set(spans.map((s) => s.service))].sort() };
}

export class OtlpReceiver {
  private constructor(
    /** Base URL for OTEL_EXPORTER_OTLP_ENDPOINT (the SDK appends /v1/traces). */
    readonly otlpHttpUrl: string,
    /** For gRPC exporters. */
    readonly otlpGrpcUrl: string,
    /** Jaeger's query API and UI. */
    readonly queryUrl: string,
    private readonly startedServer: boolean,
  ) {}

  /** Starts Jaeger (building it on first use, which takes minutes) or reuses one already answering. */
  static async start(): Promise<OtlpReceiver> {
    const r = await tools.start('jaeger');
    return new OtlpReceiver(r.otlpHttp, r.otlpGrpc, r.query, r.started);
  }

  /** Service names that have sent spans. */
  async services(): Promise<string[]> {
    return ((await this.get('/api/services')) as { data: string[] | null }).data ?? [];
  }

  /** The trace with this id (32 hex digits), or undefined while Jaeger has none of its spans. */
  async trace(traceId: string): Promise<TraceView | undefined> {
    const res = await fetch(`${this.queryUrl}/api/traces/${traceId}`, { signal: AbortSignal.timeout(5000) });
    if (res.status === 404) return undefined;
    if (!res.ok) throw new Error(`jaeger GET /api/traces/${traceId}: ${res.status} ${await res.text()}`);
    const body = (await res.json()) as { data: JaegerTrace[] | null };
    return body.data?.[0] ? toView(body.data[0]) : undefined;
  }

  /** Recent traces that have a span of `service` (newest first as Jaeger returns them). */
  async traces(service: string, opts: { lookbackMs?: number; limit?: number; operation?: string } = {}): Promise<TraceView[]> {
    const endUs = Date.now() * 1000;
    const q = new URLSearchParams({
      service, limit: String(opts.limit ?? 100),
      start: String(endUs - (opts.lookbackMs ?? 3_600_000) * 1000), end: String(endUs),
    });
    if (opts.operation) q.set('operation', opts.operation);
    return (((await this.get(`/api/traces?${q}`)) as { data: JaegerTrace[] | null }).data ?? []).map(toView);
  }

  /**
   * Polls until trace `traceId` satisfies `done` (by default: has at least one span). Spans of one
   * trace arrive in separate exports, so wait for the spans you expect, not just for the trace.
   */
  waitForTrace(traceId: string, done: (t: TraceView) => boolean = (t) => t.spans.length > 0, timeoutMs = 15_000): Promise<TraceView> {
    return waitFor(`trace ${traceId} in jaeger`, async () => {
      const t = await this.trace(traceId);
      return t && done(t) ? t : undefined;
    }, timeoutMs, 200);
  }

  async stop(): Promise<void> {
    if (this.startedServer) await tools.stop('jaeger');
  }

  private async get(pathAndQuery: string): Promise<unknown> {
    const res = await fetch(`${this.queryUrl}${pathAndQuery}`, { signal: AbortSignal.timeout(5000) });
    if (!res.ok) throw new Error(`jaeger GET ${pathAndQuery}: ${res.status} ${await res.text()}`);
    return res.json();
  }
}
