/*
 * Spans of the work that is not a consumed message: an HTTP request taken in (the gateway), a
 * timer firing (SLA thresholds, ladder steps: children of the trace context stored with the
 * clock or escalation, so the firing stays in the trace of the message that armed it), a live
 * delivery (SSE) and a webhook call. Each returns the context to put on what the work produces;
 * every helper returns undefined, or the context unchanged, while tracing is off.
 */
import { SpanKind, SpanStatusCode, type Attributes, type Span } from '@opentelemetry/api';
import { traceOf, type TraceContext } from '@cx/contracts';
import { ATTR_ERROR_TYPE, ATTR_TENANT } from './semconv';
import { parentContext, traceContextOf } from './trace-context';
import { activeTracer } from './tracer-setup';

export type WorkKind = 'internal' | 'server' | 'client' | 'producer';
const KINDS: Record<WorkKind, SpanKind> = { internal: SpanKind.INTERNAL, server: SpanKind.SERVER, client: SpanKind.CLIENT, producer: SpanKind.PRODUCER };

export interface WorkSpan {
  /** The span's trace context: for the events it emits and the requests it makes. */
  readonly trace: TraceContext;
  /** Ends the span with more attributes; `error` (a class, never a message with data) marks it failed. */
  end(attributes?: Attributes, error?: string): void;
}

/** Starts a span whose parent is `parent` (a stored or received trace context; none: a new trace). */
export function startWork(name: string, parent: TraceContext | undefined, kind: WorkKind, attributes?: Attributes): WorkSpan | undefined {
  const tracer = activeTracer();
  return tracer && workSpan(tracer.startSpan(name, { kind: KINDS[kind], attributes }, parentContext(parent)));
}

function workSpan(span: Span): WorkSpan {
  return {
    trace: traceContextOf(span.spanContext()),
    end(attributes?: Attributes, error?: string) {
      if (attributes) span.setAttributes(attributes);
      if (error !== undefined) span.setStatus({ code: SpanStatusCode.ERROR }).setAttribute(ATTR_ERROR_TYPE, error);
      span.end();
    },
  };
}

/**
 * A message created for a trace of its own (an event the gateway passes through with its own
 * traceparent): a producer span in that trace, ended at once; returns the context the message
 * should carry. Off: the message's own context.
 */
export function createdTrace(name: string, parent: TraceContext, attributes?: Attributes): TraceContext {
  const w = startWork(name, parent, 'producer', attributes);
  if (!w) return traceOf(parent);
  w.end();
  return w.trace;
}

interface WithEvents { events?: { event: object }[] }

/**
 * Timer-driven work that planned events from stored trace contexts (SLA firings): one span per
 * distinct cause context of each part, parented on it, and the events re-pointed at their span.
 * End it once the parts are committed.
 */
export function traceOutputs(name: string, parts: WithEvents[], attributes?: Attributes): { end(): void } | undefined {
  const tracer = activeTracer();
  if (!tracer) return undefined;
  const spans: { w: WorkSpan; events: number; types: Set<string> }[] = [];
  for (const part of parts) {
    const byCause = new Map<string, { w: WorkSpan; events: number; types: Set<string> }>();
    for (const out of part.events ?? []) {
      const ev = out.event as TraceContext & { type?: string; tenantid?: string };
      const key = ev.traceparent ?? '';
      let s = byCause.get(key);
      if (!s) {
        const attrs = { ...attributes, ...(ev.tenantid ? { [ATTR_TENANT]: ev.tenantid } : {}) };
        byCause.set(key, (s = { w: workSpan(tracer.startSpan(name, { kind: SpanKind.INTERNAL, attributes: attrs }, parentContext(ev))), events: 0, types: new Set() }));
        spans.push(s);
      }
      s.events++;
      if (ev.type) s.types.add(ev.type);
      ev.traceparent = s.w.trace.traceparent;
      if (s.w.trace.tracestate) ev.tracestate = s.w.trace.tracestate;
      else delete ev.tracestate;
    }
  }
  return { end: () => { for (const s of spans) s.w.end({ 'cx.events': s.events, 'cx.event_types': [...s.types].sort() }); } };
}
