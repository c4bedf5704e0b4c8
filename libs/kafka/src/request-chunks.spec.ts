import type { KafkaOut } from './kafka-settings';
import { MAX_REQUEST_BYTES, recordBytes, requestChunks } from './request-chunks';

const rec = (i: number, valueBytes: number): KafkaOut => ({ topic: 'cx.signals', key: `conv-${i % 7}`, value: 'x'.repeat(valueBytes), headers: { 'content-type': 'application/cloudevents+json' } });

describe('requestChunks', () => {
  it('keeps a small unit in one request (the same array)', () => {
    const records = Array.from({ length: 50 }, (_, i) => rec(i, 300));
    const chunks = requestChunks(records);
    expect(chunks).toHaveLength(1);
    expect(chunks[0]).toBe(records);
  });

  it('splits a backlog unit into requests under the limit, in order, losing nothing', () => {
    const records = Array.from({ length: 5000 }, (_, i) => rec(i, 600));
    const chunks = requestChunks(records);
    expect(chunks.length).toBeGreaterThan(1);
    for (const c of chunks) expect(c.reduce((a, r) => a + recordBytes(r), 0)).toBeLessThanOrEqual(MAX_REQUEST_BYTES);
    expect(chunks.flat()).toEqual(records);
  });

  it('sends a record larger than the limit alone, between its neighbours', () => {
    const records = [rec(0, 10), rec(1, 2000), rec(2, 10)];
    const chunks = requestChunks(records, 1000);
    expect(chunks.map((c) => c.map((r) => r.key))).toEqual([['conv-0'], ['conv-1'], ['conv-2']]);
  });

  it('counts bytes, not characters, and counts headers', () => {
    const plain = recordBytes({ topic: 't', key: 'k', value: 'ü' });
    expect(plain).toBe(recordBytes({ topic: 't', key: 'k', value: 'u' }) + 1);
    expect(recordBytes({ topic: 't', key: 'k', value: 'u', headers: { h: 'v' } })).toBeGreaterThan(plain);
  });
});
