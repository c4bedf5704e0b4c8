/*
 * NestJS transport strategy that consumes whole Kafka fetches (the stock Kafka server only offers
 * eachMessage and commits on its own). kafkajs hands every partition batch of one fetch to its
 * workers in the same tick and fetches again only when all are done; they are collected and
 * processed as ONE unit: decode at the boundary, run the unit (UnitRunner: de-duplicate, plan,
 * commit, publish), and only then commit the offsets, in one request, at most every
 * `commitIntervalMs` (OffsetCommits). Transient failures retry the
 * unit with backoff; after the last attempt the batches go back to kafkajs, which restarts the
 * consumer from the committed offsets. Handlers register with @EventPattern(<topic>) on a method
 * that returns the topic's UnitHandler.
 */
import { Logger } from '@nestjs/common';
import { CustomTransportStrategy, Server } from '@nestjs/microservices';
import type { Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import { lastValueFrom } from 'rxjs';
import type { z } from 'zod';
import { CONSUMER_SETTINGS, ensureTopics, PartitionOffsets, type FetchOptions } from '@cx/kafka';
import type { HealthCheck, PipelineMetrics } from '@cx/metrics';
import { startUnitSpans } from '@cx/tracing';
import { decodeBatch } from './batch-decoder';
import type { ConsumerProgress, PartitionProgress } from './consumer-progress';
import { ConsumerActivityTracker, IdleProbe } from './idle-probe';
import { KafkaLiveness, kafkaSilenceMs } from './kafka-liveness';
import { inTimeOrder, type InboundItem, type Rejection, type UnitHandler } from './plan';
import type { TopicUnit, UnitRunner } from './unit-runner';
import { byTopic, OffsetCommits, type PartitionOffset } from './offset-commits';
import { runInSlices } from './unit-slices';

export interface ConsumerOptions {
  groupId: string;
  /** Prepended to every contract topic name (tests, shared clusters). */
  topicPrefix: string;
  partitions: number;
  replicationFactor: number;
  partitionsConsumedConcurrently: number;
  fetch: FetchOptions;
  /** Logical (contract) topic → the zod schema its messages must satisfy. */
  subscriptions: Record<string, z.ZodType>;
  /** Topics this service produces to, created at start-up with the subscriptions. */
  produces: string[];
  retry?: { attempts: number; baseMs: number; maxMs: number };
  /** How often idle partitions are checked for being caught up (only with a ConsumerProgress). */
  idleProbeMs?: number;
  /** A unit with more messages runs as consecutive slices of this many (sliceUnits). */
  maxUnitMessages?: number;
  /** Offsets are committed at most this often (OffsetCommits); 0 or unset: every unit. */
  commitIntervalMs?: number;
}

type Envelope = { time: string };

interface Member {
  payload: EachBatchPayload;
  topic: string;
  items: InboundItem<unknown>[];
  stamps: number[];
  invalid: Rejection<unknown>[];
  /** Messages of a type the handler never acts on: skipped undecoded, counted as dropped. */
  ignored: number;
  fetchedAt: number;
  started: bigint;
  resolve: () => void;
  reject: (e: unknown) => void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));


export class KafkaBatchServer extends Server implements CustomTransportStrategy, HealthCheck {
  readonly name = 'kafka';
  private consumer?: Consumer;
  private readonly log = new Logger('KafkaBatchServer');
  private running = false;
  private readonly collecting: Member[] = [];
  private readonly handlers = new Map<string, UnitHandler>();
  private readonly liveness: KafkaLiveness;
  private readonly activity = new ConsumerActivityTracker();
  private probe?: IdleProbe;
  private readonly commits: OffsetCommits;

  constructor(
    private readonly kafka: Kafka,
    private readonly options: ConsumerOptions,
    private readonly runner: UnitRunner,
    private readonly metrics: PipelineMetrics,
    private readonly progress?: ConsumerProgress,
  ) {
    super();
    this.liveness = new KafkaLiveness(kafkaSilenceMs(options.fetch?.maxWaitTimeInMs ?? 0));
    this.commits = new OffsetCommits(options.commitIntervalMs ?? 0, (offsets) => this.consumer!.commitOffsets(offsets),
      (e) => this.log.warn(`offset commit failed (retried; at worst processed input is replayed and de-duplicated): ${e.message}`));
  }

  on(): never {
    throw new Error('KafkaBatchServer does not emit status events');
  }

  unwrap<T>(): T {
    return this.consumer as T;
  }

  /** Up while consuming: fetches keep arriving (or a unit is being processed). Answered from memory. */
  async check(): Promise<boolean> {
    return this.running && this.liveness.up();
  }

  async listen(callback: (err?: unknown) => void): Promise<void> {
    try {
      const { topicPrefix: prefix, partitions, produces, subscriptions, replicationFactor } = this.options;
      for (const topic of Object.keys(subscriptions)) this.handlers.set(topic, await this.resolveHandler(topic));
      await ensureTopics(this.kafka, [...new Set([...Object.keys(subscriptions), ...produces, 'cx.dlq'])].map((t) => prefix + t), partitions, replicationFactor);
      this.touchSeries();
      const consumer = (this.consumer = this.kafka.consumer({ groupId: this.options.groupId, ...CONSUMER_SETTINGS, ...this.options.fetch }));
      consumer.on(consumer.events.CRASH, (e) => { this.liveness.lost(); this.log.error(`consumer crashed: ${e.payload.error.message}; restart=${e.payload.restart}`); });
      consumer.on(consumer.events.FETCH_START, (e) => this.activity.fetchStarted(e.payload.nodeId));
      consumer.on(consumer.events.GROUP_JOIN, (e) => {
        const assigned = Object.entries(e.payload.memberAssignment).map(([topic, ps]) => ({ topic, partitions: ps as number[] }));
        this.commits.retain(assigned);
        this.activity.assign(assigned.map((a) => ({ ...a, topic: this.logical(a.topic) })));
      });
      consumer.on(consumer.events.HEARTBEAT, () => this.liveness.contact());
      consumer.on(consumer.events.FETCH, (e) => {
        this.liveness.contact();
        this.activity.fetchCompleted(e.payload.nodeId);
      });
      await consumer.connect();
      await consumer.subscribe({ topics: Object.keys(subscriptions).map((t) => prefix + t), fromBeginning: true });
      await consumer.run({
        // Commits are ours alone (commit()): kafkajs' would follow every partition batch.
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently,
        eachBatch: (payload) => this.onBatch(payload),
      });
      this.running = true;
      this.liveness.contact();
      this.startProbe();
      callback();
    } catch (e) {
      callback(e);
    }
  }

  private async resolveHandler(topic: string): Promise<UnitHandler> {
    const method = this.getHandlerByPattern(topic);
    if (!method) throw new Error(`no @EventPattern handler for topic ${topic}`);
    const handler = await lastValueFrom(this.transformToObservable(await method(undefined)), { defaultValue: undefined });
    const h = handler as UnitHandler | undefined;
    if (!h || typeof h.plan !== 'function' || typeof h.route !== 'function' || typeof h.prepare !== 'function') {
      throw new Error(`@EventPattern(${topic}) must return a UnitHandler (route, prepare, plan)`);
    }
    return h;
  }

  /** Zero-valued series from the start, so dashboards and `absent()`-style alerts see them. */
  private touchSeries(): void {
    for (const topic of Object.keys(this.options.subscriptions)) {
      for (const outcome of ['ok', 'dropped', 'dead_lettered', 'retried'] as const) this.metrics.consumed.inc({ topic, outcome }, 0);
      for (const reason of ['invalid_json', 'schema', 'processing', 'other'] as const) this.metrics.deadLettered.inc({ topic, reason }, 0);
    }
  }

  /** Stops fetching, lets the in-flight unit finish and commit, commits what is pending, then leaves the group. */
  async close(): Promise<void> {
    this.running = false;
    await this.probe?.stop();
    // From now on each unit commits as it ends; what ended before is committed here.
    this.commits.immediate = true;
    if (this.consumer) await this.commits.flush().catch((e: Error) => this.log.warn(`final offset commit failed (the next owner replays): ${e.message}`));
    await this.consumer?.disconnect();
    this.commits.stop();
  }

  /** Idle partitions advance the watermarks only once Kafka confirms they are consumed to their end. */
  private startProbe(): void {
    const progress = this.progress;
    if (!progress) return;
    const offsets = new PartitionOffsets(this.kafka, this.options.groupId);
    this.probe = new IdleProbe(offsets, this.activity, this.options.topicPrefix, (c, at) => progress.idle(c, at), this.options.idleProbeMs ?? 200);
    this.probe.start();
  }

  private track(members: Member[], delta: 1 | -1): void {
    for (const m of members) {
      const key = `${m.topic}:${m.payload.batch.partition}`;
      if (delta > 0) this.activity.arrived(key); else this.activity.finished(key);
    }
  }

  private logical(topic: string): string {
    return topic.slice(this.options.topicPrefix.length);
  }

  private onBatch(payload: EachBatchPayload): Promise<void> {
    if (payload.batch.messages.length === 0) return Promise.resolve();
    const member = this.decode(payload);
    return new Promise<void>((resolve, reject) => {
      const m = { ...member, resolve, reject };
      this.track([m], 1);
      this.collecting.push(m);
      if (this.collecting.length === 1) setImmediate(() => void this.flush());
    });
  }

  private decode(payload: EachBatchPayload): Omit<Member, 'resolve' | 'reject'> {
    const topic = this.logical(payload.batch.topic);
    const decoded = decodeBatch(payload.batch, topic, this.options.subscriptions[topic], this.handlers.get(topic)?.ignores);
    return { payload, topic, ...decoded, fetchedAt: this.activity.fetchedAt(), started: process.hrtime.bigint() };
  }

  private async flush(): Promise<void> {
    const group = this.collecting.splice(0);
    this.liveness.unitStarted();
    let committed = false;
    try {
      const done = await this.processWithRetry(group);
      await this.commit(done);
      committed = true;
      for (const m of group) m.resolve();
    } catch (e) {
      for (const m of group) m.reject(e);
    } finally {
      this.track(group, -1);
      this.liveness.unitEnded(committed);
    }
  }

  /** Returns the members that were processed (a revoked partition's member is left uncommitted). */
  private async processWithRetry(group: Member[]): Promise<Member[]> {
    const policy = this.options.retry ?? { attempts: 6, baseMs: 100, maxMs: 5_000 };
    for (let attempt = 1; ; attempt++) {
      // Not committed: the partition's new owner re-reads these messages.
      const live = group.filter((m) => m.payload.isRunning() && !m.payload.isStale());
      if (live.length === 0) return [];
      const units = this.units(live);
      const spans = startUnitSpans(units, { groupId: this.options.groupId, topicPrefix: this.options.topicPrefix, attempt });
      try {
        await runInSlices(units, this.options.maxUnitMessages ?? Infinity, (slice) => this.runner.run(slice));
        spans?.end();
        return live;
      } catch (e) {
        spans?.end(e);
        this.metrics.transientErrors.inc({ stage: 'unit' });
        for (const m of live) this.metrics.consumed.inc({ topic: m.topic, outcome: 'retried' }, m.payload.batch.messages.length);
        const where = live.map((m) => `${m.topic}/${m.payload.batch.partition}`).join(', ');
        if (attempt >= policy.attempts) {
          this.log.error(`unit ${where} failed ${attempt} times: ${(e as Error).message}`);
          throw e;
        }
        this.log.warn(`unit ${where} attempt ${attempt} failed, retrying: ${(e as Error).message}`);
        await sleep(Math.min(policy.maxMs, policy.baseMs * 2 ** (attempt - 1)));
        await live[0].payload.heartbeat().catch(() => undefined);
      }
    }
  }

  /** One topic unit per topic: its partitions merged in time order, each partition in offset order. */
  private units(group: Member[]): TopicUnit[] {
    const byTopic = new Map<string, Member[]>();
    for (const m of group) {
      let list = byTopic.get(m.topic);
      if (!list) byTopic.set(m.topic, (list = []));
      list.push(m);
    }
    return [...byTopic].map(([topic, members]) => ({
      topic,
      handler: this.handlers.get(topic)!,
      items: inTimeOrder(members.map((m) => m.items.map((item, i) => ({ item, at: m.stamps[i] })))),
      invalid: members.flatMap((m) => m.invalid),
      ignored: members.reduce((n, m) => n + m.ignored, 0),
    }));
  }

  /** One offset commit for the whole unit (and units before it not yet committed), after its effects are durable. */
  private async commit(done: Member[]): Promise<void> {
    if (done.length === 0) return;
    const processed: PartitionOffset[] = [];
    for (const m of done) {
      const last = m.payload.batch.lastOffset();
      m.payload.resolveOffset(last);
      const next = BigInt(last) + 1n;
      this.activity.processed(`${m.topic}:${m.payload.batch.partition}`, next);
      processed.push({ topic: m.payload.batch.topic, partition: m.payload.batch.partition, offset: String(next) });
    }
    const { payload } = done[0];
    const due = this.commits.processed(processed);
    if (due.length) {
      try {
        await payload.commitOffsetsIfNecessary({ topics: byTopic(due) });
      } catch (e) {
        this.commits.failed(due);
        throw e;
      }
    }
    await payload.heartbeat();
    const now = Date.now();
    const progress: PartitionProgress[] = [];
    for (const { payload: { batch }, topic, items, started, fetchedAt } of done) {
      this.metrics.batchDuration.observe({ topic }, Number(process.hrtime.bigint() - started) / 1e9);
      this.metrics.batchSize.observe({ topic }, batch.messages.length);
      let maxEventTime = 0;
      for (const i of items) {
        const t = Date.parse((i.event as Envelope).time);
        if (!Number.isFinite(t)) continue;
        if (t > maxEventTime) maxEventTime = t;
        this.metrics.eventAge.observe({ topic }, Math.max(0, (now - t) / 1000));
      }
      const caughtUp = BigInt(batch.lastOffset()) + 1n >= BigInt(batch.highWatermark);
      progress.push({ topic, partition: batch.partition, maxEventTime, caughtUp, fetchedAt });
    }
    this.progress?.committed(progress);
  }
}
