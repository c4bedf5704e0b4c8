/*
 * The dead-letter format every service (and the ingestion gateway) writes to cx.dlq: the original
 * bytes, key and headers unchanged, why and where from in `x-dlq-*` headers, so an operator can
 * fix and replay the message as it was.
 */
import { Topics, type RawMessage } from '@cx/contracts';
import type { KafkaOut } from './kafka-settings';

/** The class of a dead-letter reason, for a metric label from a small fixed set. */
export function reasonClass(reason: string): 'invalid_json' | 'schema' | 'processing' | 'other' {
  if (/not valid JSON|empty message|must be a JSON object|no value/.test(reason)) return 'invalid_json';
  if (/^invalid |differs from data|datacontenttype/.test(reason)) return 'schema';
  if (reason.startsWith('processing failed')) return 'processing';
  return 'other';
}

export interface DeadLetterOrigin { topic: string; partition: number; offset: string; service: string }

export function deadLetter(raw: RawMessage, origin: DeadLetterOrigin, reason: string, at = new Date()): KafkaOut {
  const headers: Record<string, Buffer | string> = {};
  for (const [k, v] of Object.entries(raw.headers ?? {})) {
    const first = Array.isArray(v) ? v[0] : v;
    // A null-valued header carries nothing, and kafkajs cannot write one (it throws): left out.
    if (first != null) headers[k] = first;
  }
  Object.assign(headers, {
    'x-dlq-reason': reason.slice(0, 2000),
    'x-dlq-topic': origin.topic,
    'x-dlq-partition': String(origin.partition),
    'x-dlq-offset': origin.offset,
    'x-dlq-service': origin.service,
    'x-dlq-at': at.toISOString(),
  });
  return { topic: Topics.dlq, key: raw.key, value: raw.value, headers };
}
