import { createHash } from 'node:crypto';
import { z } from 'zod';

export const STRUCTURED_CONTENT_TYPE = 'application/cloudevents+json; charset=UTF-8';

type HeaderValue = Buffer | string | (Buffer | string)[] | undefined;
export interface RawMessage {
  key: Buffer | string | null;
  value: Buffer | string | null;
  headers?: Record<string, HeaderValue>;
}

export type Decoded<T> = { ok: true; event: T } | { ok: false; reason: string };

function headerText(v: HeaderValue): string | undefined {
  if (v === undefined) return undefined;
  const first = Array.isArray(v) ? v[0] : v;
  return first === undefined ? undefined : first.toString();
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

/**
 * Reads one Kafka message in either content mode of the CloudEvents Kafka binding
 * (structured JSON value, or binary `ce_*` headers with `data` as the value) and validates it.
 */
export function decodeCloudEvent<S extends z.ZodType>(msg: RawMessage, schema: S): Decoded<z.infer<S>> {
  const headers = msg.headers ?? {};
  let candidate: Record<string, unknown>;
  if (headerText(headers['ce_specversion']) !== undefined) {
    const attrs: Record<string, unknown> = {};
    for (const [name, v] of Object.entries(headers)) {
      if (name.startsWith('ce_')) attrs[name.slice(3)] = headerText(v);
    }
    const contentType = headerText(headers['content-type']);
    if (contentType) attrs.datacontenttype = contentType;
    if (msg.value === null) return { ok: false, reason: 'binary-mode event has no value (data)' };
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
  const result = schema.safeParse(candidate);
  if (!result.success) {
    const type = typeof candidate.type === 'string' ? candidate.type : '(missing type)';
    return { ok: false, reason: `invalid ${type}: ${describeZodError(result.error)}` };
  }
  const event = result.data as { subject?: string; data?: { conversationId?: string } };
  const convId = event.data?.conversationId;
  if (convId !== undefined && event.subject !== convId) {
    return { ok: false, reason: `subject "${event.subject}" differs from data.conversationId "${convId}"` };
  }
  return { ok: true, event: result.data };
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
  return createHash('sha256').update(parts.join('\u001f')).digest('hex').slice(0, 32);
}

export interface EnvelopeInput<T extends string, D> {
  type: T;
  source: string;
  subject: string;
  time: Date | string;
  tenantid: string;
  data: D;
  id: string;
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
    datacontenttype: 'application/json',
    data: input.data,
  };
}
