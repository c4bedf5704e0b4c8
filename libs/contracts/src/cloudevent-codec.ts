import { z } from 'zod';
import { EXTENSION_NAME, KNOWN_ATTRIBUTES, traceOf, type TraceContext } from './envelope';
import { textHash } from './text-hash';

export const STRUCTURED_CONTENT_TYPE = 'application/cloudevents+json; charset=UTF-8';

/** A Kafka header may have a null value (kcat `-H name`, Java clients); kafkajs reads it as null. */
type HeaderValue = Buffer | string | null | (Buffer | string | null)[] | undefined;
export interface RawMessage {
  key: Buffer | string | null;
  value: Buffer | string | null;
  headers?: Record<string, HeaderValue>;
}

/** Extension attributes we do not interpret, kept as the producer sent them (docs/contract.md). */
export type Extensions = Record<string, string | number | boolean>;

export type Decoded<T> = { ok: true; event: T; extensions?: Extensions } | { ok: false; reason: string };

/** A header's text; a null-valued header counts as absent (the attribute is not set). */
function headerText(v: HeaderValue): string | undefined {
  const first = Array.isArray(v) ? v[0] : v;
  return first == null ? undefined : first.toString();
}

function parseJson(bytes: Buffer | string, what: string): { ok: true; value: unknown } | { ok: false; reason: string } {
  try {
    return { ok: true, value: JSON.parse(bytes.toString()) };
  } catch (e) {
    return { ok: false, reason: `${what} is not valid JSON: ${(e as Error).message}` };
  }
}

/** Formats zod issues as `path: message`, the way an integrator needs to find the bad field. */
export function describeZodError(error: z.ZodError, max = 5): string {
  const parts = error.issues.slice(0, max).map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`);
  const more = error.issues.length > max ? ` (+${error.issues.length - max} more)` : '';
  return parts.join('; ') + more;
}

/** `application/json`, with parameters such as `; charset=utf-8`: the only data we read. */
const JSON_CONTENT_TYPE = /^application\/json\s*(;.*)?$/i;
const STRUCTURED = /^application\/cloudevents\+json\s*(;.*)?$/i;

type Attrs = { ok: true; attrs: Record<string, unknown>; extensions?: Extensions } | { ok: false; reason: string };

/**
 * Splits a candidate event into the attributes this contract defines and the extensions it only
 * keeps. A name that is not a CloudEvents attribute name, or an extension whose value is not a
 * string, number or boolean, makes the event invalid; any well-formed extension is accepted.
 */
function splitAttributes(candidate: Record<string, unknown>): Attrs {
  let extensions: Extensions | undefined;
  const attrs: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(candidate)) {
    if (KNOWN_ATTRIBUTES.has(name) || name === 'data_base64') {
      attrs[name] = value;
      continue;
    }
    if (!EXTENSION_NAME.test(name)) return { ok: false, reason: `invalid CloudEvent: attribute name "${name.slice(0, 64)}" must be lower-case letters and digits` };
    if (value === null || value === undefined) continue; // JSON null: the attribute is absent
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
      return { ok: false, reason: `invalid CloudEvent: extension attribute "${name}" must be a string, number or boolean` };
    }
    (extensions ??= {})[name] = value;
  }
  return { ok: true, attrs, extensions };
}

/** Structured mode may carry the data as `data_base64` (JSON bytes, base64): read it into `data`. */
function inlineBase64(attrs: Record<string, unknown>): string | undefined {
  if (attrs.data_base64 === undefined) return undefined;
  const b64 = attrs.data_base64;
  delete attrs.data_base64;
  if (attrs.data !== undefined) return 'invalid CloudEvent: data and data_base64 are mutually exclusive';
  if (typeof b64 !== 'string' || !/^[A-Za-z0-9+/=\s_-]*$/.test(b64)) return 'invalid CloudEvent: data_base64 must be a base64 string';
  const data = parseJson(Buffer.from(b64, 'base64'), 'data_base64');
  if (!data.ok) return data.reason;
  attrs.data = data.value;
  return undefined;
}

function checkContentType(attrs: Record<string, unknown>): string | undefined {
  const ct = attrs.datacontenttype;
  if (ct === undefined) return undefined;
  if (typeof ct !== 'string' || !JSON_CONTENT_TYPE.test(ct.trim())) {
    return `unsupported datacontenttype ${JSON.stringify(ct)}: data must be JSON (application/json)`;
  }
  return undefined;
}

const TYPE_FIRST = Buffer.from('{"type":"');
const TYPE_NEXT = Buffer.from(',"type":"');
const DATA_KEY = Buffer.from('"data":');

/**
 * The CloudEvents type of a message without decoding it, or undefined when it cannot be told
 * cheaply and for sure: the `ce_type` header in binary mode; in structured mode the top-level
 * `"type":"…"` member if it comes before `"data":` (our own outputs put it there). Outside a JSON
 * string, `,"type":"` can only be a member name (inside one, every quote is escaped), and before
 * `data` no object is nested in a conforming event. Lets a consumer skip event types it never acts
 * on (the router's own lifecycle events on cx.escalations) without parsing and validating them.
 */
export function peekType(msg: RawMessage): string | undefined {
  const headers = msg.headers ?? {};
  const contentType = headerText(headers['content-type']);
  if (!(contentType && STRUCTURED.test(contentType)) && headerText(headers['ce_specversion']) !== undefined) {
    return headerText(headers['ce_type']);
  }
  const v = typeof msg.value === 'string' ? Buffer.from(msg.value) : msg.value;
  if (!v || v.length === 0) return undefined;
  const at = v.indexOf(TYPE_FIRST) === 0 ? 0 : v.indexOf(TYPE_NEXT);
  if (at < 0) return undefined;
  const data = v.indexOf(DATA_KEY);
  if (data >= 0 && data < at) return undefined;
  const start = at + TYPE_NEXT.length;
  const end = v.indexOf(0x22, start);
  if (end < 0 || end - start > 256) return undefined;
  const type = v.toString('utf8', start, end);
  return type.includes('\\') ? undefined : type;
}

/**
 * Reads one Kafka message in either content mode of the CloudEvents Kafka binding (structured:
 * the event as JSON, `content-type: application/cloudevents+json`; binary: `ce_*` headers with
 * `data` as the value) and validates it. Extensions are kept beside the event, not interpreted.
 */
export function decodeCloudEvent<S extends z.ZodType>(msg: RawMessage, schema: S): Decoded<z.infer<S>> {
  const headers = msg.headers ?? {};
  const contentType = headerText(headers['content-type']);
  let candidate: Record<string, unknown>;
  const binary = !(contentType && STRUCTURED.test(contentType)) && headerText(headers['ce_specversion']) !== undefined;
  if (binary) {
    const attrs: Record<string, unknown> = {};
    for (const [name, v] of Object.entries(headers)) {
      if (!name.startsWith('ce_')) continue;
      const text = headerText(v);
      if (text !== undefined) attrs[name.slice(3)] = text;
    }
    if (contentType) attrs.datacontenttype = contentType;
    const ct = checkContentType(attrs);
    if (ct) return { ok: false, reason: ct };
    if (msg.value === null || msg.value.length === 0) return { ok: false, reason: 'binary-mode event has no value (data)' };
    const data = parseJson(msg.value, 'data');
    if (!data.ok) return data;
    candidate = { ...attrs, data: data.value };
  } else {
    if (msg.value === null || msg.value.length === 0) return { ok: false, reason: 'empty message value' };
    const parsed = parseJson(msg.value, 'value');
    if (!parsed.ok) return parsed;
    if (typeof parsed.value !== 'object' || parsed.value === null || Array.isArray(parsed.value)) {
      return { ok: false, reason: 'structured-mode value must be a JSON object' };
    }
    candidate = parsed.value as Record<string, unknown>;
  }
  return validateCloudEvent(candidate, schema);
}

/**
 * Validates an event already parsed from JSON (structured mode, or attributes and data put
 * together by a binding): the gateway's CloudEvents connector and the Kafka codec share it.
 */
export function validateCloudEvent<S extends z.ZodType>(candidate: Record<string, unknown>, schema: S): Decoded<z.infer<S>> {
  const split = splitAttributes(candidate);
  if (!split.ok) return split;
  const { attrs, extensions } = split;
  const b64 = inlineBase64(attrs);
  if (b64) return { ok: false, reason: b64 };
  const ct = checkContentType(attrs);
  if (ct) return { ok: false, reason: ct };
  const result = schema.safeParse(attrs);
  if (!result.success) {
    const type = typeof attrs.type === 'string' ? attrs.type : '(missing type)';
    return { ok: false, reason: `invalid ${type}: ${describeZodError(result.error)}` };
  }
  const event = result.data as { subject?: string; data?: { conversationId?: string } };
  const convId = event.data?.conversationId;
  if (convId !== undefined && event.subject !== convId) {
    return { ok: false, reason: `subject "${event.subject}" differs from data.conversationId "${convId}"` };
  }
  return extensions ? { ok: true, event: result.data, extensions } : { ok: true, event: result.data };
}

export interface OutgoingMessage {
  key: string;
  value: string;
  headers: Record<string, string>;
}

/** Outputs are always structured mode, keyed by subject (the conversation id). */
export function encodeCloudEvent(event: { subject: string }): OutgoingMessage {
  return { key: event.subject, value: JSON.stringify(event), headers: { 'content-type': STRUCTURED_CONTENT_TYPE } };
}

/**
 * Output ids derived from their cause, so a replay after a crash re-emits the same id and
 * every consumer (which dedupes by id) sees the effect once.
 */
export function deterministicId(...parts: string[]): string {
  return textHash('sha256', parts.join('\u001f'), 'hex').slice(0, 32);
}

export interface EnvelopeInput<T extends string, D> {
  type: T;
  source: string;
  subject: string;
  time: Date | string;
  tenantid: string;
  data: D;
  id: string;
  /** The event (or stored context) that caused this one: its trace context is carried over. */
  cause?: TraceContext;
}

export function makeEvent<T extends string, D>(input: EnvelopeInput<T, D>) {
  const time = typeof input.time === 'string' ? input.time : input.time.toISOString();
  return {
    specversion: '1.0' as const,
    id: input.id,
    source: input.source,
    type: input.type,
    time,
    subject: input.subject,
    tenantid: input.tenantid,
    ...traceOf(input.cause),
    datacontenttype: 'application/json',
    data: input.data,
  };
}
