import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { CompressionTypes, Kafka, Partitioners, type Message, type Producer } from 'kafkajs';
import { encodeCloudEvent } from '@cx/contracts';
import { PipelineMetrics } from '@cx/metrics';
import type { OutEvent } from './batch-types';
import { KAFKA_OPTIONS, type KafkaOptions } from './kafka-options';

export interface RawOut { topic: string; message: Message; }

/** The one way services write to Kafka: structured CloudEvents keyed by subject, acks from all replicas. */
@Injectable()
export class EventPublisher implements OnApplicationShutdown {
  private producer?: Producer;
  private connecting?: Promise<Producer>;

  constructor(
    private readonly kafka: Kafka,
    @Inject(KAFKA_OPTIONS) private readonly options: KafkaOptions,
    private readonly metrics: PipelineMetrics,
  ) {}

  topic(logical: string): string {
    return this.options.topicPrefix + logical;
  }

  private async connected(): Promise<Producer> {
    if (this.producer) return this.producer;
    this.connecting ??= (async () => {
      // Java-compatible murmur2 partitioning, so producers in any language agree on partitions.
      const p = this.kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false });
      await p.connect();
      this.producer = p;
      return p;
    })().finally(() => { this.connecting = undefined; });
    return this.connecting;
  }

  async publish(events: OutEvent[], raw: RawOut[] = []): Promise<void> {
    if (events.length === 0 && raw.length === 0) return;
    const byTopic = new Map<string, Message[]>();
    const add = (topic: string, m: Message) => {
      const list = byTopic.get(topic) ?? [];
      list.push(m);
      byTopic.set(topic, list);
    };
    for (const e of events) add(this.topic(e.topic), encodeCloudEvent(e.event));
    for (const r of raw) add(this.topic(r.topic), r.message);
    const producer = await this.connected();
    await producer.sendBatch({
      acks: -1,
      compression: CompressionTypes.None,
      topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
    });
    for (const e of events) this.metrics.produced.inc({ topic: e.topic, type: e.event.type });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.producer?.disconnect().catch(() => undefined);
  }
}
