/*
 * One stage of the no-op pipeline (noop-pipeline.ts), run as its own process so its CPU is read
 * like a service's: a kafkajs consumer group with the services' consumer, fetch and producer
 * settings that collects the partition batches of one fetch into one unit (as KafkaBatchServer
 * does), produces one small event per input (acks=all), and only then commits the offsets, as
 * often as the services do (OffsetCommits, KAFKA_COMMIT_INTERVAL_MS). No
 * decoding, no Redis, no handler: what any Node service on kafkajs pays per event at the least.
 *
 * argv: <brokers> <groupId> <to topic> <from topic>...
 */
import { CompressionTypes, Kafka, logLevel, Partitioners, type EachBatchPayload, type Message } from 'kafkajs';
import { BaseEnv, loadEnv } from '@cx/config';
import { CONSUMER_SETTINGS, PRODUCER_SETTINGS } from '@cx/kafka';
import { byTopic, fetchOptions, OffsetCommits } from '@cx/runtime';

async function main(): Promise<void> {
  const [brokers, groupId, to, ...from] = process.argv.slice(2);
  const env = loadEnv(BaseEnv, {});
  const kafka = new Kafka({ clientId: `noop-${groupId}`, brokers: brokers.split(','), logLevel: logLevel.ERROR });
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false });
  const consumer = kafka.consumer({ groupId, ...CONSUMER_SETTINGS, ...fetchOptions(env) });
  const commits = new OffsetCommits(env.KAFKA_COMMIT_INTERVAL_MS, (o) => consumer.commitOffsets(o), () => undefined);
  await Promise.all([producer.connect(), consumer.connect()]);
  await consumer.subscribe({ topics: from, fromBeginning: true });
  let unit: { payload: EachBatchPayload; done: (e?: unknown) => void }[] = [];
  const flush = async () => {
    const group = unit;
    unit = [];
    try {
      const messages: Message[] = [];
      for (const { payload } of group) {
        for (const m of payload.batch.messages) messages.push({ key: m.key, value: `{"offset":"${m.offset}"}` });
      }
      await producer.send({ topic: to, acks: PRODUCER_SETTINGS.acks, compression: CompressionTypes.None, messages });
      for (const { payload } of group) payload.resolveOffset(payload.batch.lastOffset());
      const due = commits.processed(group.map(({ payload: { batch } }) => ({ topic: batch.topic, partition: batch.partition, offset: String(BigInt(batch.lastOffset()) + 1n) })));
      if (due.length) await group[0].payload.commitOffsetsIfNecessary({ topics: byTopic(due) });
      for (const g of group) g.done();
    } catch (e) {
      for (const g of group) g.done(e);
    }
  };
  await consumer.run({
    autoCommit: false, eachBatchAutoResolve: false, partitionsConsumedConcurrently: env.KAFKA_PARTITION_CONCURRENCY,
    eachBatch: (payload) => {
      if (payload.batch.messages.length === 0) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        unit.push({ payload, done: (e) => (e ? reject(e) : resolve()) });
        if (unit.length === 1) setImmediate(() => void flush());
      });
    },
  });
  process.send?.('ready');
  const stop = () => void consumer.disconnect().then(() => producer.disconnect()).finally(() => process.exit(0));
  process.on('SIGTERM', stop);
}

main().catch((e) => { process.stderr.write(`noop-stage: ${(e as Error).stack}\n`); process.exit(1); });
