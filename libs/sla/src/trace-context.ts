/*
 * The W3C trace context of the event that started a clock, kept in the clock's state so that its
 * warnings and breaches (fired later, from a timer) carry it as their cause. A million open clocks
 * each hold one, so a version-00 traceparent (55 characters) is kept as the base64url of its
 * trace id and parent id (24 bytes, 32 characters), plus its flags byte (34 characters) unless
 * they are `01` (sampled, the usual value); any other version is kept as sent. A tracestate
 * longer than 512 characters is not kept (W3C Trace Context lets a hop drop list members it
 * cannot carry). The conversation holds the trace of its first event; a clock holds its own only
 * when it differs (see setClockTrace).
 */
import { traceOf, type TraceContext } from '@cx/contracts';

const SAMPLED_LEN = 32;
const FLAGGED_LEN = 34;
const MAX_TRACESTATE = 512;

/** The compact fields of an event's (valid) trace context; {} when it has none. */
export function storeTrace(event: TraceContext): StoredTrace {
  const t = traceOf(event);
  if (!t.traceparent) return {};
  const out: StoredTrace = { tp: compactTraceparent(t.traceparent) };
  if (t.tracestate && t.tracestate.length <= MAX_TRACESTATE) out.ts = t.tracestate;
  return out;
}

export interface StoredTrace {
  tp?: string;
  ts?: string;
}

/** The trace context stored by `storeTrace`, or undefined. */
export function loadTrace(stored: StoredTrace): TraceContext | undefined {
  if (!stored.tp) return undefined;
  const n = stored.tp.length;
  const traceparent = n === SAMPLED_LEN || n === FLAGGED_LEN ? expandTraceparent(stored.tp) : stored.tp;
  return stored.ts ? { traceparent, tracestate: stored.ts } : { traceparent };
}

/** The trace of a clock: its own when it holds one ('' = none), else the conversation's. */
export function clockTrace(conversation: StoredTrace, clock: StoredTrace): TraceContext | undefined {
  return loadTrace(clock.tp !== undefined ? clock : conversation);
}

/** Sets a clock's own trace fields: none when the conversation's default is the same. */
export function setClockTrace(conversation: StoredTrace, clock: StoredTrace, trace: StoredTrace): void {
  delete clock.tp;
  delete clock.ts;
  if (trace.tp === conversation.tp && trace.ts === conversation.ts) return;
  clock.tp = trace.tp ?? '';
  if (trace.ts) clock.ts = trace.ts;
}

function compactTraceparent(tp: string): string {
  if (!tp.startsWith('00-')) return tp;
  const flags = tp.slice(53, 55);
  const hex = tp.slice(3, 35) + tp.slice(36, 52) + (flags === '01' ? '' : flags);
  return Buffer.from(hex, 'hex').toString('base64url');
}

function expandTraceparent(compact: string): string {
  const hex = Buffer.from(compact, 'base64url').toString('hex');
  return `00-${hex.slice(0, 32)}-${hex.slice(32, 48)}-${hex.length > 48 ? hex.slice(48, 50) : '01'}`;
}
