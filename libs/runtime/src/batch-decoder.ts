/*
 * The consumer's trust boundary: one Kafka partition batch to decoded, validated events (in offset
 * order, with their Kafka timestamps), the messages that failed (dead-lettered with the reason)
 * and the number skipped because the handler ignores their type. Kept apart from the transport so
 * the one place every message enters the system is small and tested on its own.
 */
import type { Batch, KafkaMessage } from 'kafkajs';
import type { z } from 'zod';
import { decodeCloudEvent, peekType, type RawMessage } from '@cx/contracts';
import type { InboundItem, Rejection } from './plan';

export interface DecodedBatch {
  items: InboundItem<unknown>[];
  /** Kafka timestamp of each item (epoch ms), for merging partitions in time order. */
  stamps: number[];
  invalid: Rejection<unknown>[];
  ignored: number;
}

export function decodeBatch(batch: Pick<Batch, 'partition' | 'messages'>, topic: string, schema: z.ZodType, ignores?: ReadonlySet<string>): DecodedBatch {
  const out: DecodedBatch = { items: [], stamps: [], invalid: [], ignored: 0 };
  for (const m of batch.messages) {
    const raw = toRaw(m);
    if (ignores && ignores.has(peekType(raw) ?? '')) {
      out.ignored++;
      continue;
    }
    const decoded = decodeCloudEvent(raw, schema);
    const item: InboundItem<unknown> = { event: decoded.ok ? decoded.event : undefined, topic, partition: batch.partition, offset: m.offset, raw };
    if (decoded.ok) {
      out.items.push(item);
      out.stamps.push(Number(m.timestamp));
    } else out.invalid.push({ item, reason: decoded.reason });
  }
  return out;
}

function toRaw(m: KafkaMessage): RawMessage {
  return { key: m.key, value: m.value, headers: m.headers as RawMessage['headers'] };
}
