/*
 * Starts the OpenTelemetry SDK of one service when an OTLP endpoint is configured, and only then:
 * without one nothing of the SDK is even loaded, the hooks find no tracer and return at once, and
 * events pass through with the trace context they came with. Spans leave through a
 * BatchSpanProcessor (a bounded queue; export never waits on the event path) to OTLP/HTTP.
 */
import { diag, DiagLogLevel, type Tracer } from '@opentelemetry/api';
import type { Sampler, SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { Logger } from '@nestjs/common';
import { redactUrl, type BaseEnv } from '@cx/config';
import { ATTR_SERVICE_INSTANCE_ID, ATTR_SERVICE_NAME } from './semconv';

export type TracingSettings = Pick<BaseEnv, 'OTEL_EXPORTER_OTLP_ENDPOINT' | 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT' | 'OTEL_SERVICE_NAME'
  | 'OTEL_TRACES_SAMPLER' | 'OTEL_TRACES_SAMPLER_ARG' | 'OTEL_SDK_DISABLED'> & Partial<Pick<BaseEnv, 'INSTANCE_ID'>>;

export interface TracingOptions {
  /** The service's own name: `service.name` unless OTEL_SERVICE_NAME says otherwise. */
  service: string;
  /** Tests: spans go here (each as it ends), and tracing is on without an endpoint. */
  exporter?: SpanExporter;
}

interface Active {
  tracer: Tracer;
  provider: { shutdown(): Promise<void>; forceFlush(): Promise<void> };
}

let active: Active | undefined;

/** The tracer while tracing is on; undefined (the hooks do nothing) while it is off. */
export function activeTracer(): Tracer | undefined {
  return active?.tracer;
}

/** Where spans go: the traces endpoint as given, else the base endpoint plus `/v1/traces` (the OTLP/HTTP rule). */
export function tracesUrl(s: TracingSettings): string | undefined {
  if (s.OTEL_SDK_DISABLED) return undefined;
  if (s.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) return s.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  if (!s.OTEL_EXPORTER_OTLP_ENDPOINT) return undefined;
  return `${s.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, '')}/v1/traces`;
}

/** Starts tracing if configured (or given an exporter); returns whether it is on. Once per process. */
export function startTracing(s: TracingSettings, o: TracingOptions): boolean {
  const log = new Logger('Tracing');
  if (active) return true;
  const url = tracesUrl(s);
  if (!url && !o.exporter) {
    log.log('tracing off (no OTEL_EXPORTER_OTLP_ENDPOINT)');
    return false;
  }
  // Loaded here, not at import: a service without an endpoint never loads the SDK.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const base = require('@opentelemetry/sdk-trace-base') as typeof import('@opentelemetry/sdk-trace-base');
  const { resourceFromAttributes, detectResources, envDetector } = require('@opentelemetry/resources') as typeof import('@opentelemetry/resources');
  let processor: SpanProcessor;
  if (o.exporter) processor = new base.SimpleSpanProcessor(o.exporter);
  else {
    const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-http') as typeof import('@opentelemetry/exporter-trace-otlp-http');
    processor = new base.BatchSpanProcessor(new OTLPTraceExporter({ url }));
  }
  /* eslint-enable @typescript-eslint/no-require-imports */
  quietDiag(log);
  // OTEL_RESOURCE_ATTRIBUTES adds to the resource; OTEL_SERVICE_NAME names the service (the spec's precedence).
  const resource = detectResources({ detectors: [envDetector] }).merge(resourceFromAttributes({
    [ATTR_SERVICE_NAME]: s.OTEL_SERVICE_NAME ?? o.service,
    ...(s.INSTANCE_ID ? { [ATTR_SERVICE_INSTANCE_ID]: s.INSTANCE_ID } : {}),
  }));
  const provider = new base.BasicTracerProvider({ resource, sampler: samplerOf(s, base), spanProcessors: [processor] });
  active = { tracer: provider.getTracer('cx-escalation-stream'), provider };
  log.log(`tracing on: spans to ${o.exporter ? 'a test exporter' : redactUrl(url!)} (sampler ${s.OTEL_TRACES_SAMPLER}${s.OTEL_TRACES_SAMPLER.endsWith('traceidratio') ? ` ${s.OTEL_TRACES_SAMPLER_ARG ?? 1}` : ''})`);
  return true;
}

/** Exports what is queued and stops; tracing is off afterwards. */
export async function stopTracing(): Promise<void> {
  const a = active;
  active = undefined;
  if (a) diag.disable();
  await a?.provider.shutdown().catch((e: Error) => new Logger('Tracing').warn(`span export at shutdown failed: ${e.message}`));
}

/** Exports what is queued now (tests). */
export async function flushTracing(): Promise<void> {
  await active?.provider.forceFlush();
}

function samplerOf(s: TracingSettings, base: typeof import('@opentelemetry/sdk-trace-base')): Sampler {
  const ratio = () => new base.TraceIdRatioBasedSampler(s.OTEL_TRACES_SAMPLER_ARG ?? 1);
  switch (s.OTEL_TRACES_SAMPLER) {
    case 'always_on': return new base.AlwaysOnSampler();
    case 'always_off': return new base.AlwaysOffSampler();
    case 'traceidratio': return ratio();
    case 'parentbased_always_off': return new base.ParentBasedSampler({ root: new base.AlwaysOffSampler() });
    case 'parentbased_traceidratio': return new base.ParentBasedSampler({ root: ratio() });
    default: return new base.ParentBasedSampler({ root: new base.AlwaysOnSampler() });
  }
}

/**
 * The SDK reports export failures through its diagnostic logger, silent by default: warnings and
 * errors go to the service log, at most one a minute (an unreachable receiver must not flood it),
 * with credentials in URLs hidden.
 */
function quietDiag(log: Logger): void {
  let last = 0;
  const write = (m: string) => {
    const now = Date.now();
    if (now - last < 60_000) return;
    last = now;
    log.warn(redactUrl(`span export: ${m}`).slice(0, 500));
  };
  const ignore = () => undefined;
  diag.setLogger({ error: write, warn: write, info: ignore, debug: ignore, verbose: ignore }, DiagLogLevel.WARN);
}
