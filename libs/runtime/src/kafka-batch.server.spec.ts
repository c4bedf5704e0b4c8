import type { EachBatchPayload, Kafka } from 'kafkajs';
import { z } from 'zod';
import { encodeCloudEvent } from '@cx/contracts';
import { PipelineMetrics } from '@cx/metrics';
import type { PartitionProgress } from './consumer-progress';
import { KafkaBatchServer } from './kafka-batch.server';
import type { UnitHandler } from './plan';
import type { TopicUnit, UnitRunner } from './unit-runner';

const Event = z.object({ id: z.string(), source: z.string(), tenantid: z.string(), time: z.string(), type: z.string(), subject: z.string(), specversion: z.string(), data: z.object({ n: z.number() }) });

/** The consumer-wide offset bookkeeping kafkajs shares between the payloads of its workers. */
function fakeConsumer() {
  return { resolved: [] as string[], committed: [] as unknown[] };
}

function fakePayload(consumer: ReturnType<typeof fakeConsumer>, partition: number, offsets: number[], state = { stale: false }, highWatermark?: number) {
  const { resolved, committed } = consumer;
  const messages = offsets.map((o) => {
    const event = { specversion: '1.0', id: `p${partition}-${o}`, source: 'test', type: 't.v1', subject: `c${partition}`, tenantid: 'x', time: new Date(1_000 + o).toISOString(), data: { n: o } };
    const m = encodeCloudEvent(event);
    return { ...m, offset: String(o), timestamp: String(1_000 + o), key: Buffer.from(String(m.key)), value: Buffer.from(String(m.value)), headers: {} };
  });
  return {
    batch: { topic: 'in', partition, messages, highWatermark: String(highWatermark ?? offsets.at(-1)! + 1), lastOffset: () => String(offsets.at(-1)) },
    resolveOffset: (o: string) => resolved.push(`${partition}:${o}`),
    commitOffsetsIfNecessary: async (o: unknown) => { committed.push(o); },
    uncommittedOffsets: () => ({ topics: [{ topic: 'in', partitions: resolved.map((r) => ({ partition: Number(r.split(':')[0]), offset: String(Number(r.split(':')[1]) + 1) })) }] }),
    heartbeat: async () => undefined,
    isRunning: () => true,
    isStale: () => state.stale,
  } as unknown as EachBatchPayload;
}

function server(failures = 0, maxUnitMessages?: number, commitIntervalMs?: number) {
  const runs: TopicUnit[][] = [];
  const progress: PartitionProgress[][] = [];
  let failing = failures;
  const runner = { run: async (units: TopicUnit[]) => { runs.push(units); if (failing-- > 0) throw new Error('redis down'); } } as unknown as UnitRunner;
  const s = new KafkaBatchServer({} as Kafka, {
    groupId: 'g', topicPrefix: '', partitions: 3, replicationFactor: -1, partitionsConsumedConcurrently: 8, fetch: { minBytes: 1, maxWaitTimeInMs: 10, maxBytes: 65_536 },
    subscriptions: { in: Event }, produces: [], retry: { attempts: 3, baseMs: 1, maxMs: 2 }, maxUnitMessages, commitIntervalMs,
  }, runner, new PipelineMetrics('test'), { committed: (p) => progress.push(p), idle: () => undefined });
  (s as unknown as { handlers: Map<string, UnitHandler> }).handlers.set('in', {} as UnitHandler);
  const onBatch = (p: EachBatchPayload) => (s as unknown as { onBatch(p: EachBatchPayload): Promise<void> }).onBatch(p);
  return { onBatch, runs, progress, server: s };
}

describe('KafkaBatchServer: the partition batches of one fetch are processed as one unit', () => {
  it('runs the unit once for all partitions of a topic (merged in time order) and commits once', async () => {
    const { onBatch, runs } = server();
    const consumer = fakeConsumer();
    await Promise.all([fakePayload(consumer, 0, [5, 6]), fakePayload(consumer, 1, [9]), fakePayload(consumer, 2, [1, 2, 3])].map(onBatch));
    expect(runs).toHaveLength(1);
    // Per partition in offset order; across partitions by timestamp (here: the offset plus 1,000).
    expect(runs[0][0].items.map((i) => `${i.partition}:${i.offset}`)).toEqual(['2:1', '2:2', '2:3', '0:5', '0:6', '1:9']);
    expect(consumer.committed).toEqual([{ topics: [{ topic: 'in', partitions: [{ partition: 0, offset: '7' }, { partition: 1, offset: '10' }, { partition: 2, offset: '4' }] }] }]);
  });

  it('commits at most once per commit interval, and on close whatever units ended since', async () => {
    const { onBatch, progress, server: s } = server(0, undefined, 60_000);
    const consumer = fakeConsumer();
    await onBatch(fakePayload(consumer, 0, [1, 2]));
    await onBatch(fakePayload(consumer, 1, [4]));
    await onBatch(fakePayload(consumer, 0, [3]));
    // The first unit commits; the others wait for the interval, but their progress counts at once.
    expect(consumer.committed).toEqual([{ topics: [{ topic: 'in', partitions: [{ partition: 0, offset: '3' }] }] }]);
    expect(progress).toHaveLength(3);
    const closing: unknown[] = [];
    Object.assign(s as object, { consumer: { commitOffsets: async (o: unknown) => { closing.push(o); }, disconnect: async () => undefined } });
    await s.close();
    expect(closing).toEqual([[{ topic: 'in', partition: 1, offset: '5' }, { topic: 'in', partition: 0, offset: '4' }]]);
  });

  it('runs a unit larger than maxUnitMessages as consecutive slices, in order, and still commits once after the last', async () => {
    const { onBatch, runs } = server(0, 2);
    const consumer = fakeConsumer();
    await Promise.all([fakePayload(consumer, 0, [5, 6]), fakePayload(consumer, 1, [9]), fakePayload(consumer, 2, [1, 2, 3])].map(onBatch));
    expect(runs.map((units) => units[0].items.map((i) => `${i.partition}:${i.offset}`))).toEqual([['2:1', '2:2'], ['2:3', '0:5'], ['0:6', '1:9']]);
    expect(consumer.committed).toHaveLength(1);
  });

  it('hands an undecodable message to the unit as invalid, with the rest of its partition', async () => {
    const { onBatch, runs } = server();
    const consumer = fakeConsumer();
    const b = fakePayload(consumer, 1, [4, 5]);
    (b.batch.messages[0] as { value: Buffer }).value = Buffer.from('{not json');
    await Promise.all([fakePayload(consumer, 0, [1]), b].map(onBatch));
    expect(runs[0][0].items.map((i) => i.offset)).toEqual(['1', '5']);
    expect(runs[0][0].invalid.map((r) => [r.item.partition, r.item.offset, r.reason])).toEqual([[1, '4', expect.stringMatching(/not valid JSON/)]]);
    expect(consumer.resolved).toEqual(['0:1', '1:5']);
  });

  it('retries the whole unit on a transient failure and commits only after it succeeded', async () => {
    const { onBatch, runs } = server(2);
    const consumer = fakeConsumer();
    await Promise.all([fakePayload(consumer, 0, [1]), fakePayload(consumer, 1, [2])].map(onBatch));
    expect(runs).toHaveLength(3);
    expect(consumer.committed).toHaveLength(1);
  });

  it('gives every batch of the unit back to kafkajs when retries are exhausted, committing nothing', async () => {
    const { onBatch } = server(10);
    const consumer = fakeConsumer();
    const results = await Promise.allSettled([fakePayload(consumer, 0, [1]), fakePayload(consumer, 1, [2])].map(onBatch));
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect([...consumer.committed, ...consumer.resolved]).toEqual([]);
  });

  it('leaves a partition revoked during the unit uncommitted, for its new owner to re-read', async () => {
    const { onBatch, runs } = server();
    const consumer = fakeConsumer();
    await Promise.all([fakePayload(consumer, 0, [1]), fakePayload(consumer, 1, [2], { stale: true })].map(onBatch));
    expect(runs[0][0].items.map((i) => i.partition)).toEqual([0]);
    expect(consumer.resolved).toEqual(['0:1']);
  });

  it('reports how far each partition was committed: the latest event time, and whether it caught up', async () => {
    const { onBatch, progress } = server();
    const consumer = fakeConsumer();
    await Promise.all([fakePayload(consumer, 0, [1, 7]), fakePayload(consumer, 1, [3], { stale: false }, 10)].map(onBatch));
    expect(progress[0].map((p) => [p.partition, p.maxEventTime, p.caughtUp])).toEqual([[0, 1_007, true], [1, 1_003, false]]);
  });
});
