import type { Message } from 'kafkajs';
import { Topics, type RawMessage } from '@cx/contracts';
import type { RawOut } from './event-publisher';

/** The class of a dead-letter reason, for a metric label from a small fixed set. */
export function reasonClass(reason: string): 'invalid_json' | 'schema' | 'processing' | 'other' {
  if (/not valid JSON|empty message|must be a JSON object|no value/.test(reason)) return 'invalid_json';
  if (/^invalid |differs from data/.test(reason)) return 'schema';
  if (reason.startsWith('processing failed')) return 'processing';
  return 'other';
}

/**
 * The original bytes, key and headers go to cx.dlq unchanged; why and where from travel in
 * `x-dlq-*` headers, so an operator can fix and replay the message as it was.
 */
export function deadLetter(raw: RawMessage, origin: { topic: string; partition: number; offset: string; service: string }, reason: string): RawOut {
  const headers: Record<string, Buffer | string> = {};
  for (const [k, v] of Object.entries(raw.headers ?? {})) {
    if (v === undefined) continue;
    headers[k] = Array.isArray(v) ? v[0] : v;
  }
  Object.assign(headers, {
    'x-dlq-reason': reason.slice(0, 2000),
    'x-dlq-topic': origin.topic,
    'x-dlq-partition': String(origin.partition),
    'x-dlq-offset': origin.offset,
    'x-dlq-service': origin.service,
    'x-dlq-at': new Date().toISOString(),
  });
  const message: Message = { key: raw.key, value: raw.value, headers };
  return { topic: Topics.dlq, message };
}
