import { Logger } from '@nestjs/common';
import { Worker } from 'node:worker_threads';
import { encodeCloudEvent } from '@cx/contracts';
import type { KafkaOptions, OutEvent } from '@cx/kafka';
import type { PipelineMetrics } from '@cx/metrics';
import type { Publisher } from './sla.scheduler';

/*
 * The scheduler's Kafka producer on a worker thread. Profiled at 10,000 timers/s, kafkajs spent
 * about 55 us of event-loop time per fired timer (two records: encoding, partitioning, zero-filled
 * buffers and the garbage they leave), as much as the claim, the engine and Redis together; on
 * the event loop it capped one instance below 9,000 timers/s. Here the event loop only encodes the
 * CloudEvents (as EventPublisher does) and hands the records over; the worker runs the same
 * producer settings as EventPublisher (murmur2 partitioner, acks from all replicas, no compression,
 * no topic auto-creation) and answers once Kafka acknowledged, so the scheduler still finalizes
 * only what Kafka has.
 *
 * The worker's code is inline (eval) so the webpack bundle of the service needs no second entry;
 * it requires kafkajs from node_modules, like the bundle does.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { Kafka, Partitioners, CompressionTypes, logLevel } = require('kafkajs');
const kafka = new Kafka({
  clientId: workerData.clientId, brokers: workerData.brokers, logLevel: logLevel.WARN,
  retry: { initialRetryTime: 200, retries: 8, maxRetryTime: 5000 },
  logCreator: () => ({ namespace, level, log }) => parentPort.postMessage({ log: { namespace, level, message: String(log.message) + (log.error ? ': ' + String(log.error) : '') } }),
});
const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false });
let connected;
parentPort.on('message', async (m) => {
  if (m.close) {
    await producer.disconnect().catch(() => undefined);
    parentPort.postMessage({ closed: true });
    return;
  }
  try {
    connected = connected || producer.connect().catch((e) => { connected = undefined; throw e; });
    await connected;
    await producer.sendBatch({ acks: -1, compression: CompressionTypes.None, topicMessages: m.topicMessages });
    parentPort.postMessage({ id: m.id });
  } catch (e) {
    parentPort.postMessage({ id: m.id, error: String((e && e.message) || e) });
  }
});
`;

const LEVELS: Record<number, 'error' | 'warn' | 'log' | 'debug'> = { 1: 'error', 2: 'warn', 4: 'log', 5: 'debug' };

export class WorkerPublisher implements Publisher {
  private readonly log = new Logger('SlaPublishWorker');
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  private nextId = 1;
  private closed?: Promise<void>;

  constructor(
    options: Pick<KafkaOptions, 'brokers' | 'clientId' | 'topicPrefix'>,
    private readonly metrics: PipelineMetrics,
  ) {
    this.topicPrefix = options.topicPrefix;
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { brokers: options.brokers, clientId: `${options.clientId}-scheduler` } });
    this.worker.on('message', (m: { id?: number; error?: string; log?: { namespace: string; level: number; message: string } }) => {
      if (m.log) {
        new Logger(`kafkajs:${m.log.namespace}`)[LEVELS[m.log.level] ?? 'log'](m.log.message);
        return;
      }
      if (m.id === undefined) return;
      const p = this.pending.get(m.id);
      this.pending.delete(m.id);
      if (m.error) p?.reject(new Error(m.error));
      else p?.resolve();
    });
    this.worker.on('error', (e) => this.failAll(e));
    this.worker.on('exit', (code) => this.failAll(new Error(`Kafka publish worker exited with code ${code}`)));
  }

  private readonly topicPrefix: string;

  private failAll(e: Error): void {
    if (!this.closed) this.log.error(e.message);
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }

  async publish(events: OutEvent[]): Promise<void> {
    if (events.length === 0) return;
    if (this.closed) throw new Error('Kafka publish worker closed');
    const byTopic = new Map<string, ReturnType<typeof encodeCloudEvent>[]>();
    for (const e of events) {
      const topic = this.topicPrefix + e.topic;
      let list = byTopic.get(topic);
      if (!list) byTopic.set(topic, (list = []));
      list.push(encodeCloudEvent(e.event));
    }
    const id = this.nextId++;
    await new Promise<void>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) });
    });
    const counts = new Map<string, number>();
    for (const e of events) {
      const k = `${e.topic}\u0000${e.event.type}`;
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
    for (const [k, n] of counts) {
      const [topic, type] = k.split('\u0000');
      this.metrics.produced.inc({ topic, type }, n);
    }
  }

  /** Disconnects the producer and ends the thread (after the scheduler stopped). */
  close(): Promise<void> {
    this.closed ??= new Promise<void>((resolve) => {
      const done = () => { void this.worker.terminate().finally(resolve); };
      const t = setTimeout(done, 5_000);
      this.worker.on('message', (m: { closed?: boolean }) => { if (m.closed) { clearTimeout(t); done(); } });
      this.worker.postMessage({ close: true });
    });
    return this.closed;
  }
}
