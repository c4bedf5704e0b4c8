import { z } from 'zod';

/** RFC 3339 with an explicit offset ("Z" or "+01:00"), any sub-second precision. */
export const Rfc3339 = z.iso.datetime({ offset: true });

export const TenantId = z.string().min(1).max(128);

/**
 * CloudEvents 1.0 attributes shared by every event (docs/contract.md). `tenantid` is our extension
 * attribute; it defaults to "default" so single-tenant producers need not know about it.
 * `traceparent` / `tracestate` are the Distributed Tracing extension (W3C Trace Context): kept
 * as sent and carried onto every output event the input causes (see traceOf). Any other
 * extension attribute is accepted by the codec and kept beside the event, never interpreted.
 */
export const envelopeShape = {
  specversion: z.literal('1.0'),
  id: z.string().min(1).max(256),
  source: z.string().min(1).max(1024),
  time: Rfc3339,
  subject: z.string().min(1).max(256),
  datacontenttype: z.string().optional(),
  dataschema: z.string().optional(),
  tenantid: TenantId.default('default'),
  traceparent: z.string().max(512).optional(),
  tracestate: z.string().max(1024).optional(),
};

/** CloudEvents attribute names: lower-case letters and digits only. */
export const EXTENSION_NAME = /^[a-z0-9]{1,64}$/;

/** The attribute names this contract defines (everything else is an extension we only keep). */
export const KNOWN_ATTRIBUTES = new Set([...Object.keys(envelopeShape), 'type', 'data']);

/** Builds the schema of one event type: the envelope with a literal `type` and its `data`. */
export function cloudEvent<T extends string, D extends z.ZodType>(type: T, data: D) {
  return z.object({ ...envelopeShape, type: z.literal(type), data }).strict();
}

export const Channel = z.enum(['chat', 'email', 'call']);
export type Channel = z.infer<typeof Channel>;

/** W3C traceparent: version, 32-hex trace id, 16-hex parent id, 2-hex flags (all-zero ids invalid). */
const TRACEPARENT = /^[0-9a-f]{2}-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-[0-9a-f]{2}$/;

export interface TraceContext {
  traceparent?: string;
  tracestate?: string;
}

/**
 * The trace context an output event inherits from its cause. A malformed traceparent is dropped
 * (W3C Trace Context: a receiver ignores it and starts afresh), never a reason to reject the event.
 */
export function traceOf(cause: TraceContext | undefined): TraceContext {
  if (!cause?.traceparent || !TRACEPARENT.test(cause.traceparent)) return {};
  return cause.tracestate ? { traceparent: cause.traceparent, tracestate: cause.tracestate } : { traceparent: cause.traceparent };
}
