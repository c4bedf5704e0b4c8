import { Kafka, logLevel, Partitioners, type Admin, type Consumer, type IHeaders, type KafkaMessage, type Producer } from 'kafkajs';
import { NO_PRODUCER_RETRY, sendWhole } from '@cx/kafka';
import { uniq } from './ids';
import { waitFor } from './wait-for';

export interface Received {
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
  /** When the broker appended it (epoch ms): tells a republish after a fault from one in steady state. */
  timestamp: number;
  partition: number;
  json?: { id: string; type: string; subject: string; data: Record<string, unknown> } & Record<string, unknown>;
}

const TEST_RETRY = { initialRetryTime: 100, maxRetryTime: 1000, retries: 30 };

/** The single broker of the integration tier, unless a test names others (the cluster tier). */
export const defaultBrokers = () => [process.env.CX_TEST_BROKERS ?? '127.0.0.1:9092'];

/** Produces to and collects from one test's prefixed topics on the real broker(s). */
export class TestKafka {
  private readonly kafka: Kafka;
  private producer?: Producer;
  private readonly consumers: Consumer[] = [];

  constructor(private readonly prefix: string, readonly brokers: string[] = defaultBrokers()) {
    this.kafka = new Kafka({ clientId: 'test', brokers, logLevel: logLevel.NOTHING, retry: TEST_RETRY });
  }

  topic(logical: string): string {
    return `${this.prefix}.${logical}`;
  }

  /** An admin client of the same brokers; the caller disconnects it. */
  async admin(): Promise<Admin> {
    const admin = this.kafka.admin();
    await admin.connect();
    return admin;
  }

  /** Structured CloudEvents keyed by subject; `partition` pins them all to one partition (in order). */
  async produce(logical: string, events: ({ subject: string } & Record<string, unknown>)[], partition?: number): Promise<void> {
    await this.produceRaw(logical, events.map((e) => ({
      key: e.subject, value: JSON.stringify(e), headers: { 'content-type': 'application/cloudevents+json; charset=UTF-8' }, partition,
    })));
  }

  async produceRaw(logical: string, messages: { key: string | null; value: string | Buffer | null; headers?: IHeaders; partition?: number }[]): Promise<void> {
    if (!this.producer) {
      // Retried whole, not by kafkajs, which loses records when a killed broker's partitions move (produce-retry.ts).
      this.producer = this.kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: true, retry: NO_PRODUCER_RETRY });
      await this.producer.connect();
    }
    const producer = this.producer;
    await sendWhole(() => producer.send({ topic: this.topic(logical), acks: -1, messages }), TEST_RETRY);
  }

  /**
   * Creates the topic unless it exists and waits until every broker knows it with leaders: on a
   * cluster, a broker learns a new topic from the metadata log a moment after the controller, and
   * kafkajs' waitForLeaders gives up on one that answers UNKNOWN_TOPIC_OR_PARTITION.
   */
  async ensureTopic(logical: string, partitions = 3): Promise<void> {
    const topic = this.topic(logical);
    const admin = await this.admin();
    try {
      await admin.createTopics({ topics: [{ topic, numPartitions: partitions }], waitForLeaders: false }).catch(() => false);
      const probes = this.brokers.map((b) => new Kafka({ clientId: 'test-probe', brokers: [b], logLevel: logLevel.NOTHING, retry: { retries: 0 } }).admin());
      try {
        await Promise.all(probes.map((p) => p.connect()));
        await waitFor(`${topic} known to every broker`, async () => {
          for (const probe of probes) {
            const [m] = (await probe.fetchTopicMetadata({ topics: [topic] })).topics;
            if (!m.partitions.length || !m.partitions.every((p) => p.leader >= 0)) return false;
          }
          return true;
        }, 20_000, 100);
      } finally {
        await Promise.all(probes.map((p) => p.disconnect().catch(() => undefined)));
      }
    } finally {
      await admin.disconnect();
    }
  }

  /** Starts collecting a topic from the beginning; the returned array fills as messages arrive. */
  async collect(logical: string): Promise<Received[]> {
    await this.ensureTopic(logical);
    const received: Received[] = [];
    const consumer = this.kafka.consumer({ groupId: uniq('collector'), maxWaitTimeInMs: 50, sessionTimeout: 10_000, heartbeatInterval: 1000 });
    this.consumers.push(consumer);
    // A collector that stops collecting makes a test fail as if the services lost data: say so.
    consumer.on(consumer.events.CRASH, (e) => process.stderr.write(`collector of ${logical} crashed (restart=${e.payload.restart}): ${e.payload.error.message}\n`));
    await consumer.connect();
    await consumer.subscribe({ topic: this.topic(logical), fromBeginning: true });
    // A collector that crashed on a dead broker restarts from its last committed offset (or from
    // the beginning, after an out-of-range reset) and reads records again: the same record, kept
    // once, is not a republish (two records with one id are).
    const seen = new Set<string>();
    await consumer.run({ eachMessage: async ({ message, partition }) => {
      const at = `${partition}:${message.offset}`;
      if (seen.has(at)) return;
      seen.add(at);
      received.push(toReceived(message, partition));
    } });
    return received;
  }

  /**
   * Everything the topic holds now, read by a fresh consumer from the beginning to each
   * partition's end offset as of the call: what a check can trust when a long-running collector
   * may have missed records (its consumer crashed on a dead broker).
   */
  async readAll(logical: string, timeoutMs = 60_000): Promise<Received[]> {
    const topic = this.topic(logical);
    const admin = await this.admin();
    let ends: Map<number, bigint>;
    try {
      ends = new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, BigInt(p.high)]));
    } finally {
      await admin.disconnect();
    }
    const received: Received[] = [];
    const next = new Map<number, bigint>();
    const consumer = this.kafka.consumer({ groupId: uniq('reader'), maxWaitTimeInMs: 100 });
    try {
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({ eachMessage: async ({ message, partition }) => {
        received.push(toReceived(message, partition));
        next.set(partition, BigInt(message.offset) + 1n);
      } });
      await waitFor(`${topic} read to its end`, () => [...ends].every(([p, end]) => (next.get(p) ?? 0n) >= end), timeoutMs, 100);
    } finally {
      await consumer.disconnect().catch(() => undefined);
    }
    return received;
  }

  async close(): Promise<void> {
    await Promise.all(this.consumers.map((c) => c.disconnect().catch(() => undefined)));
    await this.producer?.disconnect().catch(() => undefined);
  }
}

function toReceived(message: KafkaMessage, partition: number): Received {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(message.headers ?? {})) if (v !== undefined) headers[k] = v.toString();
  let json: Received['json'];
  try { json = message.value ? JSON.parse(message.value.toString()) : undefined; } catch { json = undefined; }
  return { key: message.key?.toString() ?? null, value: message.value, headers, timestamp: Number(message.timestamp), partition, json };
}
