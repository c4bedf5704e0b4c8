import { traceOf, type TraceContext } from '@cx/contracts';

/*
 * The W3C trace context of the event that started a clock, kept in the clock's state so that its
 * warnings and breaches (fired later, from a timer) carry it as their cause. A million open clocks
 * each hold one, so a version-00 traceparent (55 characters) is kept as the base64url of its 25
 * bytes (34 characters); any other version is kept as sent. A tracestate longer than 512
 * characters is not kept (W3C Trace Context lets a hop drop list members it cannot carry).
 */

const COMPACT_LEN = 34;
const MAX_TRACESTATE = 512;

/** The compact fields of an event's (valid) trace context; {} when it has none. */
export function storeTrace(event: TraceContext): { tp?: string; ts?: string } {
  const t = traceOf(event);
  if (!t.traceparent) return {};
  const out: { tp?: string; ts?: string } = { tp: compactTraceparent(t.traceparent) };
  if (t.tracestate && t.tracestate.length <= MAX_TRACESTATE) out.ts = t.tracestate;
  return out;
}

/** The trace context stored by `storeTrace`, or undefined. */
export function loadTrace(stored: { tp?: string; ts?: string }): TraceContext | undefined {
  if (!stored.tp) return undefined;
  const traceparent = stored.tp.length === COMPACT_LEN ? expandTraceparent(stored.tp) : stored.tp;
  return stored.ts ? { traceparent, tracestate: stored.ts } : { traceparent };
}

function compactTraceparent(tp: string): string {
  if (!tp.startsWith('00-')) return tp;
  const hex = tp.slice(3, 35) + tp.slice(36, 52) + tp.slice(53, 55);
  return Buffer.from(hex, 'hex').toString('base64url');
}

function expandTraceparent(compact: string): string {
  const hex = Buffer.from(compact, 'base64url').toString('hex');
  return `00-${hex.slice(0, 32)}-${hex.slice(32, 48)}-${hex.slice(48, 50)}`;
}
