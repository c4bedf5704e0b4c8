/*
 * Between the W3C trace context an event carries (`traceparent` / `tracestate` extension
 * attributes, already validated by traceOf in @cx/contracts) and the OpenTelemetry API's span
 * contexts: the remote parent of a span, and the context that goes onto what the span produces.
 */
import { createTraceState, ROOT_CONTEXT, trace, type Context, type SpanContext } from '@opentelemetry/api';
import { traceOf, type TraceContext } from '@cx/contracts';

/** The remote parent an event's trace context names; the root context (a new trace) when it has none. */
export function parentContext(carrier: TraceContext | undefined): Context {
  const t = traceOf(carrier);
  if (!t.traceparent) return ROOT_CONTEXT;
  const tp = t.traceparent;
  const sc: SpanContext = {
    traceId: tp.slice(3, 35), spanId: tp.slice(36, 52), traceFlags: Number.parseInt(tp.slice(53, 55), 16) & 1, isRemote: true,
    ...(t.tracestate ? { traceState: createTraceState(t.tracestate) } : {}),
  };
  return trace.setSpanContext(ROOT_CONTEXT, sc);
}

/** The W3C trace context of a span (version 00), for the events and requests it produces. */
export function traceContextOf(sc: SpanContext): TraceContext {
  const traceparent = `00-${sc.traceId}-${sc.spanId}-0${sc.traceFlags & 1}`;
  const tracestate = sc.traceState?.serialize();
  return tracestate ? { traceparent, tracestate } : { traceparent };
}
