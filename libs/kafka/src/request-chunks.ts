/*
 * Splits what one unit publishes into requests the broker accepts. A unit that catches up on a
 * backlog publishes thousands of records at once; in one produce request a partition's record
 * batch then outgrew the broker's message.max.bytes (1 MiB by default), the broker refused the
 * whole request, and the unit was retried (measured in the 2026-12-01 benchmark). Chunks keep
 * the records' order and are sent one after the other, so per-key order holds.
 */
import type { KafkaOut } from './kafka-settings';

/** Well below the broker's default message.max.bytes (1 MiB), leaving room for batch framing. */
export const MAX_REQUEST_BYTES = 512 * 1024;

/** Per-record framing kafkajs adds beyond key, value and headers (lengths, offsets, attributes). */
const RECORD_OVERHEAD = 32;

const bytesOf = (v: string | Buffer | null | undefined) => (v == null ? 0 : typeof v === 'string' ? Buffer.byteLength(v) : v.length);

export function recordBytes(r: KafkaOut): number {
  let n = RECORD_OVERHEAD + bytesOf(r.key) + bytesOf(r.value);
  if (r.headers) for (const [k, v] of Object.entries(r.headers)) n += Buffer.byteLength(k) + bytesOf(v) + 8;
  return n;
}

/**
 * Consecutive chunks of `records`, each at most `maxBytes` (a record larger than that travels
 * alone, and the broker decides). One chunk, the same array, in the common case.
 */
export function requestChunks(records: KafkaOut[], maxBytes = MAX_REQUEST_BYTES): KafkaOut[][] {
  const chunks: KafkaOut[][] = [];
  let current: KafkaOut[] = [];
  let size = 0;
  for (const r of records) {
    const n = recordBytes(r);
    if (current.length > 0 && size + n > maxBytes) {
      chunks.push(current);
      current = [];
      size = 0;
    }
    current.push(r);
    size += n;
  }
  if (current.length > 0) chunks.push(current);
  return chunks.length === 1 ? [records] : chunks;
}
