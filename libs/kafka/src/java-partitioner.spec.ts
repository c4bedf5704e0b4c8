/* The fast partitioner must place every record exactly where kafkajs' DefaultPartitioner (and the Java client) does. */
import fc from 'fast-check';
import { Partitioners, type PartitionerArgs } from 'kafkajs';
import { createJavaCompatiblePartitioner, JavaCompatiblePartitioner } from './java-partitioner';

const metadata = (n: number, leaderless: number[] = []) =>
  Array.from({ length: n }, (_, partitionId) => ({ partitionId, leader: leaderless.includes(partitionId) ? -1 : 0, partitionErrorCode: 0, replicas: [0], isr: [0] }));
const args = (key: PartitionerArgs['message']['key'], n: number, extra: Partial<PartitionerArgs['message']> = {}): PartitionerArgs =>
  ({ topic: 't', partitionMetadata: metadata(n), message: { key, value: 'v', ...extra } });

describe('JavaCompatiblePartitioner', () => {
  const ours = JavaCompatiblePartitioner();
  const kafkajs = Partitioners.DefaultPartitioner();

  it('matches the partitions of Kafka\'s own murmur2 test vectors (clients UtilsTest)', () => {
    // murmur2 values from Kafka's UtilsTest; the partition is (value & 0x7fffffff) % n.
    const vectors: [string, number][] = [
      ['21', -973932308], ['foobar', -790332482], ['a-little-bit-long-string', -985981536],
      ['a-little-bit-longer-string', -1486304829], ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971], ['abc', 479470107],
    ];
    for (const [key, hash] of vectors) {
      for (const n of [1, 6, 7, 32, 1000]) expect(ours(args(key, n))).toBe((hash & 0x7fffffff) % n);
    }
  });

  it('agrees with kafkajs on any key, string or bytes, and any partition count', () => {
    fc.assert(fc.property(fc.oneof(fc.string({ unit: 'grapheme', maxLength: 80 }), fc.uint8Array({ maxLength: 80 }).map((a) => Buffer.from(a))), fc.integer({ min: 1, max: 500 }), (key, n) => {
      expect(ours(args(key, n))).toBe(kafkajs(args(key, n)));
    }), { numRuns: 3000 });
  });

  it('keeps an explicit partition', () => {
    expect(ours(args('k', 6, { partition: 4 }))).toBe(4);
  });

  it('spreads keyless records round robin over the partitions that have a leader', () => {
    const p = createJavaCompatiblePartitioner()();
    const seen = Array.from({ length: 8 }, () => p({ topic: 't', partitionMetadata: metadata(4, [1]), message: { key: null, value: 'v' } }));
    expect(new Set(seen)).toEqual(new Set([0, 2, 3]));
    expect(seen.slice(3)).toEqual(seen.slice(0, 5));
  });

  it('still names a partition when none has a leader', () => {
    const p = createJavaCompatiblePartitioner()();
    expect(p({ topic: 't', partitionMetadata: metadata(3, [0, 1, 2]), message: { key: null, value: 'v' } })).toBeLessThan(3);
  });
});

describe('the partitioner as the worker-thread publisher builds it (from its source text)', () => {
  it('places records like the imported one', () => {
    const fromSource = new Function(`return (${createJavaCompatiblePartitioner.toString()})()`)() as typeof JavaCompatiblePartitioner;
    const a = fromSource();
    const b = JavaCompatiblePartitioner();
    fc.assert(fc.property(fc.string({ maxLength: 60 }), fc.integer({ min: 1, max: 64 }), (key, n) => {
      expect(a(args(key, n))).toBe(b(args(key, n)));
    }), { numRuns: 500 });
  });
});
