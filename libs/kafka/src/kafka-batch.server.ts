import { Logger } from '@nestjs/common';
import { CustomTransportStrategy, Server } from '@nestjs/microservices';
import type Redis from 'ioredis';
import type { Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import { lastValueFrom } from 'rxjs';
import { decodeCloudEvent, type RawMessage } from '@cx/contracts';
import type { PipelineMetrics } from '@cx/metrics';
import type { EventLedger, LedgerEntry } from '@cx/redis';
import type { BatchResult, InboundBatch, InboundItem, Rejection } from './batch-types';
import { deadLetter, reasonClass } from './dead-letter';
import type { EventPublisher, RawOut } from './event-publisher';
import type { KafkaOptions } from './kafka-options';

type Envelope = { id: string; source: string; tenantid: string; time: string };

/** Fetch and session settings of every service consumer (the benchmark's bare consumer uses them too). */
export const CONSUMER_SETTINGS = {
  sessionTimeout: 30_000,
  rebalanceTimeout: 60_000,
  heartbeatInterval: 3_000,
  maxWaitTimeInMs: 50,
  allowAutoTopicCreation: false,
} as const;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * NestJS transport strategy that consumes whole Kafka batches (the stock Kafka server only
 * offers eachMessage and commits on its own). Per batch: decode at the boundary, drop events
 * already applied, call the handler registered with @EventPattern(<topic>), publish its outputs
 * and dead letters, persist its state and the de-duplication marks in one Redis MULTI, and only
 * then commit the offsets: at-least-once delivery with idempotent effects.
 */
export class KafkaBatchServer extends Server implements CustomTransportStrategy {
  private consumer?: Consumer;
  private readonly log = new Logger('KafkaBatchServer');
  private running = false;

  constructor(
    private readonly kafka: Kafka,
    private readonly options: KafkaOptions,
    private readonly publisher: EventPublisher,
    private readonly ledger: EventLedger,
    private readonly redis: Redis,
    private readonly metrics: PipelineMetrics,
  ) {
    super();
  }

  get isRunning(): boolean {
    return this.running;
  }

  on(): never {
    throw new Error('KafkaBatchServer does not emit status events');
  }

  unwrap<T>(): T {
    return this.consumer as T;
  }

  async listen(callback: (err?: unknown) => void): Promise<void> {
    try {
      const { topicPrefix: prefix } = this.options;
      for (const topic of Object.keys(this.options.subscriptions)) {
        if (!this.getHandlerByPattern(topic)) throw new Error(`no @EventPattern handler for topic ${topic}`);
      }
      await this.ensureTopics();
      this.touchSeries();
      this.consumer = this.kafka.consumer({ groupId: this.options.groupId, ...CONSUMER_SETTINGS });
      this.consumer.on(this.consumer.events.CRASH, (e) => this.log.error(`consumer crashed: ${e.payload.error.message}; restart=${e.payload.restart}`));
      await this.consumer.connect();
      await this.consumer.subscribe({ topics: Object.keys(this.options.subscriptions).map((t) => prefix + t), fromBeginning: true });
      await this.consumer.run({
        autoCommit: true,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently,
        eachBatch: (payload) => this.onBatch(payload),
      });
      this.running = true;
      callback();
    } catch (e) {
      callback(e);
    }
  }

  /** Zero-valued series from the start, so dashboards and `absent()`-style alerts see them. */
  private touchSeries(): void {
    for (const topic of Object.keys(this.options.subscriptions)) {
      for (const outcome of ['ok', 'dropped', 'dead_lettered', 'retried'] as const) this.metrics.consumed.inc({ topic, outcome }, 0);
      for (const reason of ['invalid_json', 'schema', 'processing', 'other'] as const) this.metrics.deadLettered.inc({ topic, reason }, 0);
    }
  }

  /** Stops fetching, lets the in-flight batch finish and commit, then leaves the group. */
  async close(): Promise<void> {
    this.running = false;
    await this.consumer?.disconnect();
  }

  /**
   * Creates missing topics and waits until every partition has a leader. Several services start
   * at once and race to create the same topics, so "already exists" counts as success.
   */
  private async ensureTopics(): Promise<void> {
    const { topicPrefix: prefix, partitions } = this.options;
    const names = [...new Set([...Object.keys(this.options.subscriptions), ...this.options.produces, 'cx.dlq'])].map((t) => prefix + t);
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      for (let attempt = 1; ; attempt++) {
        try {
          const existing = new Set(await admin.listTopics());
          const missing = names.filter((t) => !existing.has(t));
          if (missing.length) {
            await admin.createTopics({ waitForLeaders: true, topics: missing.map((topic) => ({ topic, numPartitions: partitions })) })
              .catch((e: { errors?: { type?: string }[] }) => {
                if (!e.errors?.length || !e.errors.every((x) => x.type === 'TOPIC_ALREADY_EXISTS')) throw e;
              });
          }
          const { topics } = await admin.fetchTopicMetadata({ topics: names });
          if (topics.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0))) return;
          throw new Error('topic partitions without a leader yet');
        } catch (e) {
          if (attempt >= 20) throw e;
          await sleep(Math.min(2_000, 100 * attempt));
        }
      }
    } finally {
      await admin.disconnect();
    }
  }

  private logical(topic: string): string {
    return topic.slice(this.options.topicPrefix.length);
  }

  private async onBatch({ batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale }: EachBatchPayload): Promise<void> {
    if (batch.messages.length === 0) return;
    const topic = this.logical(batch.topic);
    const started = process.hrtime.bigint();
    const items: InboundItem<unknown>[] = [];
    const invalid: Rejection<unknown>[] = [];
    const schema = this.options.subscriptions[topic];
    for (const m of batch.messages) {
      const raw = toRaw(m);
      const decoded = decodeCloudEvent(raw, schema);
      const item: InboundItem<unknown> = { event: decoded.ok ? decoded.event : undefined, topic, partition: batch.partition, offset: m.offset, raw };
      if (decoded.ok) items.push(item);
      else invalid.push({ item, reason: decoded.reason });
    }
    const policy = this.options.retry ?? { attempts: 6, baseMs: 100, maxMs: 5_000 };
    for (let attempt = 1; ; attempt++) {
      if (!isRunning() || isStale()) return; // not committed: the new owner re-reads these messages
      try {
        await this.processOnce(topic, batch.partition, items, invalid);
        break;
      } catch (e) {
        this.metrics.transientErrors.inc({ stage: 'batch' });
        this.metrics.consumed.inc({ topic, outcome: 'retried' }, batch.messages.length);
        if (attempt >= policy.attempts) {
          // Give the batch back to kafkajs: it restarts the consumer from the last committed offset.
          this.log.error(`batch ${topic}/${batch.partition} failed ${attempt} times: ${(e as Error).message}`);
          throw e;
        }
        this.log.warn(`batch ${topic}/${batch.partition} attempt ${attempt} failed, retrying: ${(e as Error).message}`);
        await sleep(Math.min(policy.maxMs, policy.baseMs * 2 ** (attempt - 1)));
        await heartbeat().catch(() => undefined);
      }
    }
    resolveOffset(batch.lastOffset());
    await commitOffsetsIfNecessary();
    await heartbeat();
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    this.metrics.batchDuration.observe({ topic }, seconds);
    this.metrics.batchSize.observe({ topic }, batch.messages.length);
    const next = BigInt(batch.lastOffset()) + 1n;
    this.metrics.lag.set({ topic, partition: String(batch.partition) }, Math.max(0, Number(BigInt(batch.highWatermark) - next)));
    const now = Date.now();
    for (const i of items) {
      const t = Date.parse((i.event as Envelope).time);
      if (Number.isFinite(t)) this.metrics.eventAge.observe({ topic }, Math.max(0, (now - t) / 1000));
    }
  }

  private async processOnce(topic: string, partition: number, items: InboundItem<unknown>[], invalid: Rejection<unknown>[]): Promise<void> {
    const entries: LedgerEntry[] = items.map((i) => ledgerEntry(i.event as Envelope));
    const freshIdx = await this.ledger.unseen(entries);
    const fresh = freshIdx.map((i) => items[i]);
    const duplicates = items.length - fresh.length;
    const result: BatchResult<unknown> = fresh.length
      ? await this.invoke(topic, { topic, partition, items: fresh })
      : { outputs: [] };
    const deadLetters = [...invalid, ...(result.deadLetters ?? [])];
    const raw: RawOut[] = deadLetters.map((d) => deadLetter(d.item.raw, { topic, partition, offset: d.item.offset, service: this.metrics.service }, d.reason));
    await this.publisher.publish(result.outputs, raw);
    const multi = this.redis.multi();
    result.persist?.(multi);
    this.ledger.mark(multi, freshIdx.map((i) => entries[i]));
    const replies = await multi.exec();
    const failed = replies?.find(([err]) => err);
    if (!replies || failed) throw new Error(`redis transaction failed: ${failed?.[0]?.message ?? 'aborted'}`);
    try {
      result.afterCommit?.();
    } catch (e) {
      this.log.error(`afterCommit hook failed: ${(e as Error).message}`);
    }
    const dropped = duplicates + (result.dropped?.length ?? 0);
    const dead = deadLetters.length;
    for (const d of deadLetters) this.metrics.deadLettered.inc({ topic, reason: reasonClass(d.reason) });
    if (dead) this.metrics.consumed.inc({ topic, outcome: 'dead_lettered' }, dead);
    if (dropped) this.metrics.consumed.inc({ topic, outcome: 'dropped' }, dropped);
    const ok = items.length + invalid.length - dead - dropped;
    if (ok > 0) this.metrics.consumed.inc({ topic, outcome: 'ok' }, ok);
  }

  private async invoke(topic: string, batch: InboundBatch<unknown>): Promise<BatchResult<unknown>> {
    const handler = this.getHandlerByPattern(topic);
    if (!handler) throw new Error(`no handler for ${topic}`);
    const out = await lastValueFrom(this.transformToObservable(await handler(batch)), { defaultValue: undefined });
    if (!out || !Array.isArray((out as BatchResult<unknown>).outputs)) {
      throw new Error(`handler for ${topic} returned no BatchResult`);
    }
    return out as BatchResult<unknown>;
  }
}

function toRaw(m: KafkaMessage): RawMessage {
  return { key: m.key, value: m.value, headers: m.headers as RawMessage['headers'] };
}

function ledgerEntry(e: Envelope): LedgerEntry {
  return { id: e.id, source: e.source, tenantid: e.tenantid };
}
