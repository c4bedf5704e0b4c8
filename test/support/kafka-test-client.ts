import { Kafka, logLevel, Partitioners, type Consumer, type IHeaders, type Producer } from 'kafkajs';
import { uniq } from './ids';

export interface Received {
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
  json?: { id: string; type: string; subject: string; data: Record<string, unknown> } & Record<string, unknown>;
}

/** Produces to and collects from one test's prefixed topics on the real broker. */
export class TestKafka {
  private readonly kafka = new Kafka({ clientId: 'test', brokers: [process.env.CX_TEST_BROKERS ?? '127.0.0.1:9092'], logLevel: logLevel.NOTHING });
  private producer?: Producer;
  private readonly consumers: Consumer[] = [];

  constructor(private readonly prefix: string) {}

  topic(logical: string): string {
    return `${this.prefix}.${logical}`;
  }

  /** Structured CloudEvents keyed by subject; `partition` pins them all to one partition (in order). */
  async produce(logical: string, events: ({ subject: string } & Record<string, unknown>)[], partition?: number): Promise<void> {
    await this.produceRaw(logical, events.map((e) => ({
      key: e.subject, value: JSON.stringify(e), headers: { 'content-type': 'application/cloudevents+json; charset=UTF-8' }, partition,
    })));
  }

  async produceRaw(logical: string, messages: { key: string | null; value: string | Buffer | null; headers?: IHeaders; partition?: number }[]): Promise<void> {
    if (!this.producer) {
      this.producer = this.kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: true });
      await this.producer.connect();
    }
    await this.producer.send({ topic: this.topic(logical), acks: -1, messages });
  }

  /** Starts collecting a topic from the beginning; the returned array fills as messages arrive. */
  async collect(logical: string): Promise<Received[]> {
    const admin = this.kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: this.topic(logical), numPartitions: 3 }], waitForLeaders: true }).catch(() => false);
    await admin.disconnect();
    const received: Received[] = [];
    const consumer = this.kafka.consumer({ groupId: uniq('collector'), maxWaitTimeInMs: 50 });
    this.consumers.push(consumer);
    await consumer.connect();
    await consumer.subscribe({ topic: this.topic(logical), fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(message.headers ?? {})) if (v !== undefined) headers[k] = v.toString();
        let json: Received['json'];
        try { json = message.value ? JSON.parse(message.value.toString()) : undefined; } catch { json = undefined; }
        received.push({ key: message.key?.toString() ?? null, value: message.value, headers, json });
      },
    });
    return received;
  }

  async close(): Promise<void> {
    await Promise.all(this.consumers.map((c) => c.disconnect().catch(() => undefined)));
    await this.producer?.disconnect().catch(() => undefined);
  }
}
