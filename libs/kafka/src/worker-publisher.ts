/*
 * A Kafka publisher on a worker thread. Profiled at 10,000 SLA timers/s, kafkajs spent about 55 us
 * of event-loop time per fired timer (encoding, partitioning, zero-filled buffers and the garbage
 * they leave), as much as the claim, the engine and Redis together. Here the event loop only hands
 * the records over; the worker runs a producer with the same settings as EventPublisher (passed as
 * data from kafka-settings.ts, not copied) and answers once Kafka acknowledged, so a caller still
 * finalizes only what Kafka has.
 *
 * The worker's code is inline (eval) so a service's webpack bundle needs no second entry; it
 * requires kafkajs from node_modules, like the bundle does.
 */
import { Logger } from '@nestjs/common';
import { Worker } from 'node:worker_threads';
import { createJavaCompatiblePartitioner } from './java-partitioner';
import { CLIENT_RETRY, PRODUCER_SETTINGS, type KafkaOut, type Publisher } from './kafka-settings';
import { NO_PRODUCER_RETRY, sendWhole } from './produce-retry';
import { requestChunks } from './request-chunks';

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { Kafka, Partitioners, CompressionTypes, logLevel } = require('kafkajs');
const s = workerData.settings;
const kafka = new Kafka({
  clientId: workerData.clientId, brokers: workerData.brokers, logLevel: logLevel.WARN, retry: workerData.retry,
  logCreator: () => ({ namespace, level, log }) => parentPort.postMessage({ log: { namespace, level, message: String(log.message) + (log.error ? ': ' + String(log.error) : '') } }),
});
const producer = kafka.producer({
  createPartitioner: s.partitioner === 'default' ? (${createJavaCompatiblePartitioner.toString()})() : Partitioners.LegacyPartitioner,
  allowAutoTopicCreation: s.allowAutoTopicCreation,
  retry: workerData.producerRetry,
});
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
    await producer.sendBatch({ acks: s.acks, compression: CompressionTypes.None, topicMessages: m.topicMessages });
    parentPort.postMessage({ id: m.id });
  } catch (e) {
    const permanent = e && (e.name === 'KafkaJSNonRetriableError' || (e.cause || e).retriable === false);
    parentPort.postMessage({ id: m.id, error: String((e && e.message) || e), permanent: !!permanent });
  }
});
`;

const LEVELS: Record<number, 'error' | 'warn' | 'log' | 'debug'> = { 1: 'error', 2: 'warn', 4: 'log', 5: 'debug' };

export class WorkerPublisher implements Publisher {
  private readonly log = new Logger('KafkaPublishWorker');
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  private nextId = 1;
  private closed?: Promise<void>;
  private broken?: Error;

  constructor(options: { brokers: string[]; clientId: string }, private readonly topicPrefix: string) {
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { brokers: options.brokers, clientId: `${options.clientId}-worker`, settings: PRODUCER_SETTINGS, retry: CLIENT_RETRY, producerRetry: NO_PRODUCER_RETRY },
    });
    this.worker.on('message', (m: { id?: number; error?: string; permanent?: boolean; log?: { namespace: string; level: number; message: string } }) => {
      if (m.log) {
        new Logger(`kafkajs:${m.log.namespace}`)[LEVELS[m.log.level] ?? 'log'](m.log.message);
        return;
      }
      if (m.id === undefined) return;
      const p = this.pending.get(m.id);
      this.pending.delete(m.id);
      if (m.error) p?.reject(Object.assign(new Error(m.error), { retriable: !m.permanent }));
      else p?.resolve();
    });
    this.worker.on('error', (e) => this.failAll(e));
    this.worker.on('exit', (code) => this.failAll(new Error(`Kafka publish worker exited with code ${code}`)));
  }

  private failAll(e: Error): void {
    this.broken = Object.assign(e, { retriable: false }); // a dead thread answers nothing: no retry
    if (!this.closed) this.log.error(e.message);
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }

  async send(records: KafkaOut[]): Promise<void> {
    // One request after the other: each stays under the broker's size limit, per-key order holds.
    for (const chunk of requestChunks(records)) await this.sendRequest(chunk);
  }

  private async sendRequest(records: KafkaOut[]): Promise<void> {
    if (records.length === 0) return;
    if (this.closed) throw new Error('Kafka publish worker closed');
    const byTopic = new Map<string, Omit<KafkaOut, 'topic'>[]>();
    for (const r of records) {
      const topic = this.topicPrefix + r.topic;
      let list = byTopic.get(topic);
      if (!list) byTopic.set(topic, (list = []));
      list.push({ key: r.key, value: r.value, headers: r.headers });
    }
    const topicMessages = [...byTopic].map(([topic, messages]) => ({ topic, messages }));
    // Sent again whole after a failure, never retried by kafkajs (produce-retry.ts: it loses records).
    await sendWhole(() => new Promise<void>((resolve, reject) => {
      if (this.broken) return reject(this.broken);
      if (this.closed) return reject(Object.assign(new Error('Kafka publish worker closed'), { retriable: false }));
      const id = this.nextId++;
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, topicMessages });
    }));
  }

  /** Disconnects the producer and ends the thread (called by the runtime after the last publish: see Publisher.close). */
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
