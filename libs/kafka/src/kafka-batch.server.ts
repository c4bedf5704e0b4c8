import { Logger } from '@nestjs/common';
import { CustomTransportStrategy, Server } from '@nestjs/microservices';
import type Redis from 'ioredis';
import type { Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import { lastValueFrom } from 'rxjs';
import { decodeCloudEvent, type RawMessage } from '@cx/contracts';
import type { PipelineMetrics } from '@cx/metrics';
import type { EventLedger, LedgerEntry } from '@cx/redis';
import { inTimeOrder, type BatchResult, type InboundBatch, type InboundItem, type Rejection } from './batch-types';
import { deadLetter, reasonClass } from './dead-letter';
import type { EventPublisher, RawOut } from './event-publisher';
import type { KafkaOptions } from './kafka-options';
import { ensureTopics } from './topic-admin';

type Envelope = { id: string; source: string; tenantid: string; time: string };

/** One partition batch of a fetch, decoded, waiting for the group it is processed with. */
interface Member {
  payload: EachBatchPayload;
  topic: string;
  items: InboundItem<unknown>[];
  /** Kafka timestamps of `items`, for merging partitions in time order. */
  stamps: number[];
  invalid: Rejection<unknown>[];
  started: bigint;
  resolve: () => void;
  reject: (e: unknown) => void;
}

/** What one topic's handler call in a unit came to, for the outcome counters. */
interface UnitResult {
  topic: string;
  result: BatchResult<unknown>;
  invalid: Rejection<unknown>[];
  deadLetters: Rejection<unknown>[];
  received: number;
  fresh: number;
}

/** Session settings of every service consumer (the benchmark's bare consumer uses them too). */
export const CONSUMER_SETTINGS = {
  sessionTimeout: 30_000,
  rebalanceTimeout: 60_000,
  heartbeatInterval: 3_000,
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
  private readonly collecting: Member[] = [];

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
      const { partitions, produces, subscriptions } = this.options;
      await ensureTopics(this.kafka, [...new Set([...Object.keys(subscriptions), ...produces, 'cx.dlq'])].map((t) => prefix + t), partitions);
      this.touchSeries();
      this.consumer = this.kafka.consumer({ groupId: this.options.groupId, ...CONSUMER_SETTINGS, ...this.options.fetch });
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

  private logical(topic: string): string {
    return topic.slice(this.options.topicPrefix.length);
  }

  /**
   * kafkajs hands every partition batch of one fetch to its workers in the same tick and fetches
   * again only when all are done. Collecting them and processing them as one unit turns N Kafka
   * produce requests, N Redis transactions, N ledger reads and N offset commits into one each:
   * at a few messages per partition batch those round trips, not the messages, were the cost.
   */
  private onBatch(payload: EachBatchPayload): Promise<void> {
    if (payload.batch.messages.length === 0) return Promise.resolve();
    const member = this.decode(payload);
    return new Promise<void>((resolve, reject) => {
      this.collecting.push({ ...member, resolve, reject });
      if (this.collecting.length === 1) setImmediate(() => void this.flush());
    });
  }

  private decode(payload: EachBatchPayload): Omit<Member, 'resolve' | 'reject'> {
    const { batch } = payload;
    const topic = this.logical(batch.topic);
    const items: InboundItem<unknown>[] = [];
    const stamps: number[] = [];
    const invalid: Rejection<unknown>[] = [];
    const schema = this.options.subscriptions[topic];
    for (const m of batch.messages) {
      const raw = toRaw(m);
      const decoded = decodeCloudEvent(raw, schema);
      const item: InboundItem<unknown> = { event: decoded.ok ? decoded.event : undefined, topic, partition: batch.partition, offset: m.offset, raw };
      if (decoded.ok) {
        items.push(item);
        stamps.push(Number(m.timestamp));
      } else invalid.push({ item, reason: decoded.reason });
    }
    return { payload, topic, items, stamps, invalid, started: process.hrtime.bigint() };
  }

  private async flush(): Promise<void> {
    const group = this.collecting.splice(0);
    try {
      const done = await this.processWithRetry(group);
      await this.commit(done);
      for (const m of group) m.resolve();
    } catch (e) {
      for (const m of group) m.reject(e);
    }
  }

  /** Returns the members that were processed (a revoked partition's member is left uncommitted). */
  private async processWithRetry(group: Member[]): Promise<Member[]> {
    const policy = this.options.retry ?? { attempts: 6, baseMs: 100, maxMs: 5_000 };
    for (let attempt = 1; ; attempt++) {
      // Not committed: the partition's new owner re-reads these messages.
      const live = group.filter((m) => m.payload.isRunning() && !m.payload.isStale());
      if (live.length === 0) return [];
      try {
        await this.processOnce(live);
        return live;
      } catch (e) {
        this.metrics.transientErrors.inc({ stage: 'batch' });
        for (const m of live) this.metrics.consumed.inc({ topic: m.topic, outcome: 'retried' }, m.payload.batch.messages.length);
        const where = live.map((m) => `${m.topic}/${m.payload.batch.partition}`).join(', ');
        if (attempt >= policy.attempts) {
          // Give the batches back to kafkajs: it restarts the consumer from the last committed offsets.
          this.log.error(`batch ${where} failed ${attempt} times: ${(e as Error).message}`);
          throw e;
        }
        this.log.warn(`batch ${where} attempt ${attempt} failed, retrying: ${(e as Error).message}`);
        await sleep(Math.min(policy.maxMs, policy.baseMs * 2 ** (attempt - 1)));
        await live[0].payload.heartbeat().catch(() => undefined);
      }
    }
  }

  /** One offset commit for the whole group, after its effects are durable. */
  private async commit(done: Member[]): Promise<void> {
    if (done.length === 0) return;
    for (const m of done) m.payload.resolveOffset(m.payload.batch.lastOffset());
    const { payload } = done[0];
    await payload.commitOffsetsIfNecessary(payload.uncommittedOffsets());
    await payload.heartbeat();
    const now = Date.now();
    for (const { payload: { batch }, topic, items, started } of done) {
      this.metrics.batchDuration.observe({ topic }, Number(process.hrtime.bigint() - started) / 1e9);
      this.metrics.batchSize.observe({ topic }, batch.messages.length);
      const next = BigInt(batch.lastOffset()) + 1n;
      this.metrics.lag.set({ topic, partition: String(batch.partition) }, Math.max(0, Number(BigInt(batch.highWatermark) - next)));
      for (const i of items) {
        const t = Date.parse((i.event as Envelope).time);
        if (Number.isFinite(t)) this.metrics.eventAge.observe({ topic }, Math.max(0, (now - t) / 1000));
      }
    }
  }

  /**
   * Ledger read, one handler call per topic (all its partitions' messages, see inTimeOrder), one
   * produce request for all outputs and dead letters, one MULTI for all state and ledger marks.
   */
  private async processOnce(group: Member[]): Promise<void> {
    const all = group.flatMap((m) => m.items);
    const entries: LedgerEntry[] = all.map((i) => ledgerEntry(i.event as Envelope));
    const fresh = new Set((await this.ledger.unseen(entries)).map((i) => all[i]));
    const byTopic = new Map<string, Member[]>();
    for (const m of group) {
      if (!byTopic.has(m.topic)) byTopic.set(m.topic, []);
      byTopic.get(m.topic)!.push(m);
    }
    const results = await Promise.all([...byTopic].map(async ([topic, members]) => {
      const items = inTimeOrder(members.map((m) => m.items.flatMap((item, i) => (fresh.has(item) ? [{ item, at: m.stamps[i] }] : []))));
      const result: BatchResult<unknown> = items.length
        ? await this.invoke(topic, { topic, partitions: members.map((m) => m.payload.batch.partition), items })
        : { outputs: [] };
      const invalid = members.flatMap((m) => m.invalid);
      const deadLetters = [...invalid, ...(result.deadLetters ?? [])];
      return { topic, result, invalid, deadLetters, received: members.reduce((n, m) => n + m.items.length, 0), fresh: items.length };
    }));
    const raw: RawOut[] = results.flatMap(({ topic, deadLetters }) => deadLetters.map((d) =>
      deadLetter(d.item.raw, { topic, partition: d.item.partition, offset: d.item.offset, service: this.metrics.service }, d.reason)));
    await this.publisher.publish(results.flatMap((r) => r.result.outputs), raw);
    const multi = this.redis.multi();
    for (const { result } of results) result.persist?.(multi);
    this.ledger.mark(multi, all.flatMap((item, i) => (fresh.has(item) ? [entries[i]] : [])));
    const replies = await multi.exec();
    const failed = replies?.find(([err]) => err);
    if (!replies || failed) throw new Error(`redis transaction failed: ${failed?.[0]?.message ?? 'aborted'}`);
    for (const r of results) {
      try {
        r.result.afterCommit?.();
      } catch (e) {
        this.log.error(`afterCommit hook failed: ${(e as Error).message}`);
      }
      this.count(r);
    }
  }

  private count({ topic, result, invalid, deadLetters, received, fresh }: UnitResult): void {
    const dropped = received - fresh + (result.dropped?.length ?? 0);
    const dead = deadLetters.length;
    for (const d of deadLetters) this.metrics.deadLettered.inc({ topic, reason: reasonClass(d.reason) });
    if (dead) this.metrics.consumed.inc({ topic, outcome: 'dead_lettered' }, dead);
    if (dropped) this.metrics.consumed.inc({ topic, outcome: 'dropped' }, dropped);
    const ok = received + invalid.length - dead - dropped;
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
