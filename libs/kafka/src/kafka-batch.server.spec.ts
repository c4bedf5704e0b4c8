import type Redis from 'ioredis';
import type { EachBatchPayload, Kafka } from 'kafkajs';
import { z } from 'zod';
import { encodeCloudEvent } from '@cx/contracts';
import { PipelineMetrics } from '@cx/metrics';
import type { EventLedger } from '@cx/redis';
import type { BatchResult, InboundBatch } from './batch-types';
import type { EventPublisher, RawOut } from './event-publisher';
import { KafkaBatchServer } from './kafka-batch.server';

const Event = z.object({ id: z.string(), source: z.string(), tenantid: z.string(), time: z.string(), type: z.string(), subject: z.string(), specversion: z.string(), data: z.object({ n: z.number() }) });

/** The consumer-wide offset bookkeeping kafkajs shares between the payloads of its workers. */
function fakeConsumer() {
  return { resolved: [] as string[], committed: [] as unknown[] };
}

function fakePayload(consumer: ReturnType<typeof fakeConsumer>, partition: number, offsets: number[], state = { stale: false }) {
  const { resolved, committed } = consumer;
  const messages = offsets.map((o) => {
    const event = { specversion: '1.0', id: `p${partition}-${o}`, source: 'test', type: 't.v1', subject: `c${partition}`, tenantid: 'x', time: new Date().toISOString(), data: { n: o } };
    const m = encodeCloudEvent(event);
    return { ...m, offset: String(o), timestamp: String(1_000 + o), key: Buffer.from(String(m.key)), value: Buffer.from(String(m.value)), headers: {} };
  });
  const payload = {
    batch: { topic: 'in', partition, messages, highWatermark: String(offsets.at(-1)! + 1), lastOffset: () => String(offsets.at(-1)) },
    resolveOffset: (o: string) => resolved.push(`${partition}:${o}`),
    commitOffsetsIfNecessary: async (o: unknown) => { committed.push(o); },
    uncommittedOffsets: () => ({ topics: [{ topic: 'in', partitions: resolved.map((r) => ({ partition: Number(r.split(':')[0]), offset: String(Number(r.split(':')[1]) + 1) })) }] }),
    heartbeat: async () => undefined,
    isRunning: () => true,
    isStale: () => state.stale,
  } as unknown as EachBatchPayload;
  return payload;
}

function server(handler: (b: InboundBatch<unknown>) => Promise<BatchResult<unknown>>, failures = 0) {
  const publishes: { outputs: number; raw: RawOut[] }[] = [];
  const execs: number[] = [];
  let failing = failures;
  const publisher = { publish: async (outputs: unknown[], raw: RawOut[] = []) => { publishes.push({ outputs: outputs.length, raw }); } } as unknown as EventPublisher;
  const ledger = { unseen: async (e: unknown[]) => e.map((_, i) => i), mark: () => undefined } as unknown as EventLedger;
  const redis = {
    multi: () => ({ exec: async () => { if (failing-- > 0) throw new Error('redis down'); execs.push(1); return []; } }),
  } as unknown as Redis;
  const s = new KafkaBatchServer({} as Kafka, {
    brokers: [], clientId: 't', groupId: 'g', topicPrefix: '', partitions: 3, partitionsConsumedConcurrently: 8, fetch: { minBytes: 1, maxWaitTimeInMs: 10, maxBytes: 65_536 },
    subscriptions: { in: Event }, produces: [], retry: { attempts: 3, baseMs: 1, maxMs: 2 },
  }, publisher, ledger, redis, new PipelineMetrics('test'));
  s.addHandler('in', handler as never, true);
  const onBatch = (p: EachBatchPayload) => (s as unknown as { onBatch(p: EachBatchPayload): Promise<void> }).onBatch(p);
  return { onBatch, publishes, execs };
}

const echo = async (b: InboundBatch<unknown>): Promise<BatchResult<unknown>> => ({
  outputs: b.items.map((i) => ({ topic: 'out', event: i.event as { id: string; type: string; subject: string; time: string } })),
});

describe('KafkaBatchServer: the partition batches of one fetch are processed as one unit', () => {
  it('calls the handler once for all partitions of a topic, then produces, persists and commits once', async () => {
    const seen: InboundBatch<unknown>[] = [];
    const { onBatch, publishes, execs } = server(async (b) => { seen.push(b); return echo(b); });
    const consumer = fakeConsumer();
    await Promise.all([fakePayload(consumer, 0, [5, 6]), fakePayload(consumer, 1, [9]), fakePayload(consumer, 2, [1, 2, 3])].map(onBatch));
    expect(seen).toHaveLength(1);
    expect(seen[0].partitions).toEqual([0, 1, 2]);
    // Per partition in offset order; across partitions by timestamp (here: the offset plus 1,000).
    expect(seen[0].items.map((i) => `${i.partition}:${i.offset}`)).toEqual(['2:1', '2:2', '2:3', '0:5', '0:6', '1:9']);
    expect(publishes).toEqual([{ outputs: 6, raw: [] }]);
    expect(execs).toHaveLength(1);
    expect(consumer.committed).toEqual([{ topics: [{ topic: 'in', partitions: [{ partition: 0, offset: '7' }, { partition: 1, offset: '10' }, { partition: 2, offset: '4' }] }] }]);
  });

  it('dead-letters an undecodable message of one partition without holding back the others', async () => {
    const { onBatch, publishes } = server(echo);
    const consumer = fakeConsumer();
    const b = fakePayload(consumer, 1, [4, 5]);
    (b.batch.messages[0] as { value: Buffer }).value = Buffer.from('{not json');
    await Promise.all([fakePayload(consumer, 0, [1]), b].map(onBatch));
    expect(publishes).toHaveLength(1);
    expect(publishes[0].outputs).toBe(2);
    expect(publishes[0].raw.map((r) => r.topic)).toEqual(['cx.dlq']);
    expect(publishes[0].raw[0].message.headers?.['x-dlq-partition']).toBe('1');
    expect(consumer.resolved).toEqual(['0:1', '1:5']);
  });

  it('retries the whole unit on a transient failure and commits only after it succeeded', async () => {
    const { onBatch, publishes, execs } = server(echo, 2);
    const consumer = fakeConsumer();
    await Promise.all([fakePayload(consumer, 0, [1]), fakePayload(consumer, 1, [2])].map(onBatch));
    expect(publishes).toHaveLength(3); // outputs are idempotent by id; the state and marks land once
    expect(execs).toHaveLength(1);
    expect(consumer.committed).toHaveLength(1);
  });

  it('gives every batch of the unit back to kafkajs when retries are exhausted, committing nothing', async () => {
    const { onBatch } = server(echo, 10);
    const consumer = fakeConsumer();
    const results = await Promise.allSettled([fakePayload(consumer, 0, [1]), fakePayload(consumer, 1, [2])].map(onBatch));
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect([...consumer.committed, ...consumer.resolved]).toEqual([]);
  });

  it('leaves a partition revoked during the unit uncommitted, for its new owner to re-read', async () => {
    const seen: number[][] = [];
    const { onBatch } = server(async (b) => { seen.push(b.partitions); return echo(b); });
    const consumer = fakeConsumer();
    await Promise.all([fakePayload(consumer, 0, [1]), fakePayload(consumer, 1, [2], { stale: true })].map(onBatch));
    expect(seen).toEqual([[0]]);
    expect(consumer.resolved).toEqual(['0:1']);
  });
});
