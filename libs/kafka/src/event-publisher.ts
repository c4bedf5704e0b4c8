/*
 * The event-loop Kafka publisher: records grouped by topic in one request, acknowledged by all
 * in-sync replicas. The settings come from kafka-settings.ts (the worker publisher uses the same).
 */
import { Logger } from '@nestjs/common';
import { CompressionTypes, Partitioners, type Kafka, type Message, type Producer } from 'kafkajs';
import { JavaCompatiblePartitioner } from './java-partitioner';
import { PRODUCER_SETTINGS, type KafkaOut, type Publisher } from './kafka-settings';
import { NO_PRODUCER_RETRY, sendWhole } from './produce-retry';
import { requestChunks } from './request-chunks';

export class EventPublisher implements Publisher {
  private readonly log = new Logger('EventPublisher');
  private producer?: Producer;
  private connecting?: Promise<Producer>;

  constructor(private readonly kafka: Kafka, private readonly topicPrefix: string) {}

  private async connected(): Promise<Producer> {
    if (this.producer) return this.producer;
    this.connecting ??= (async () => {
      const p = this.kafka.producer({
        createPartitioner: PRODUCER_SETTINGS.partitioner === 'default' ? JavaCompatiblePartitioner : Partitioners.LegacyPartitioner,
        allowAutoTopicCreation: PRODUCER_SETTINGS.allowAutoTopicCreation,
        retry: NO_PRODUCER_RETRY,
      });
      await p.connect();
      this.producer = p;
      return p;
    })().finally(() => { this.connecting = undefined; });
    return this.connecting;
  }

  async send(records: KafkaOut[]): Promise<void> {
    // One request after the other: each stays under the broker's size limit, per-key order holds.
    for (const chunk of requestChunks(records)) await this.sendRequest(chunk);
  }

  private async sendRequest(records: KafkaOut[]): Promise<void> {
    if (records.length === 0) return;
    const byTopic = new Map<string, Message[]>();
    for (const r of records) {
      const topic = this.topicPrefix + r.topic;
      let list = byTopic.get(topic);
      if (!list) byTopic.set(topic, (list = []));
      list.push({ key: r.key, value: r.value, headers: r.headers });
    }
    const topicMessages = [...byTopic].map(([topic, messages]) => ({ topic, messages }));
    // Sent again whole after a failure, never retried by kafkajs (produce-retry.ts: it loses records).
    await sendWhole(async () => (await this.connected()).sendBatch({ acks: PRODUCER_SETTINGS.acks, compression: CompressionTypes.None, topicMessages }));
  }

  /** Called by the runtime after the last publish (see Publisher.close). */
  async close(): Promise<void> {
    await this.producer?.disconnect().catch((e: Error) => this.log.warn(`producer disconnect: ${e.message}`));
  }
}
