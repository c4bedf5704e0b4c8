import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { Kafka } from 'kafkajs';
import { BaseEnv, loadEnv } from '@cx/config';
import { CONSUMER_SETTINGS } from '@cx/kafka';
import { fetchOptions } from '@cx/runtime';

export interface Throughput { messages: number; seconds: number; perSec: number }

/**
 * The ceiling for our consumers: kafkajs with the services' settings and offset handling
 * (eachBatch, resolve + commit per batch) doing no work at all.
 */
export async function bareKafkajs(kafka: Kafka, topic: string, expected: number, concurrency: number): Promise<Throughput> {
  const consumer = kafka.consumer({ groupId: `bench-bare-${Date.now()}`, ...CONSUMER_SETTINGS, ...fetchOptions(loadEnv(BaseEnv, {})) });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let count = 0;
  let first = 0;
  let done!: () => void;
  const finished = new Promise<void>((r) => { done = r; });
  await consumer.run({
    autoCommit: true, eachBatchAutoResolve: false, partitionsConsumedConcurrently: concurrency,
    eachBatch: async ({ batch, resolveOffset, commitOffsetsIfNecessary }) => {
      if (!first) first = Date.now();
      count += batch.messages.length;
      resolveOffset(batch.lastOffset());
      await commitOffsetsIfNecessary();
      if (count >= expected) done();
    },
  });
  await finished;
  const seconds = (Date.now() - first) / 1000;
  await consumer.disconnect();
  return { messages: count, seconds, perSec: Math.round(count / seconds) };
}

/** Kafka's own org.apache.kafka.tools.ConsumerPerformance (kafka-tools jar from Maven Central). */
export function kafkaConsumerPerformance(libsDir: string, brokers: string, topic: string, messages: number): Throughput & { fetchPerSec: number } {
  const r = spawnSync('java', ['-Xmx512m', '-cp', join(libsDir, '*'), 'org.apache.kafka.tools.ConsumerPerformance',
    '--bootstrap-server', brokers, '--topic', topic, '--messages', String(messages), '--group', `bench-perf-${Date.now()}`,
    '--timeout', '60000', '--hide-header'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ConsumerPerformance failed: ${r.stderr.slice(-500)}`);
  // start.time, end.time, MB, MB.sec, nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec
  const line = r.stdout.trim().split('\n').filter((l) => /^\d{4}-/.test(l)).at(-1);
  if (!line) throw new Error(`unexpected ConsumerPerformance output: ${r.stdout.slice(-500)}`);
  const f = line.split(',').map((x) => x.trim());
  const count = Number(f[4]);
  const fetchMs = Number(f[7]);
  return { messages: count, seconds: fetchMs / 1000, perSec: Math.round(Number(f[5])), fetchPerSec: Math.round(Number(f[9])) };
}
