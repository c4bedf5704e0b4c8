/*
 * Event-time watermarks (docs/contract.md (SLA semantics), like event-time timers in Flink and Kafka Streams): a
 * threshold fires only once the input of the conversations' partitions has been consumed up to its
 * instant, so a lagging, restarting or rebalancing consumer never causes a breach that an unread
 * event would have prevented.
 *
 * Writer (ConsumerProgress): after each committed unit, a partition's watermark is the latest event
 * time committed; a partition caught up with its high watermark, or confirmed at its log end by
 * the runtime's idle probe (committed offset = log end, nothing in flight), is consumed up to when
 * that fetch or probe was sent (less a margin for a record still on its way to the broker). Values only grow (a Lua max), kept in one Redis hash shared by every instance.
 * Reader: the scheduler fires up to the lowest watermark of all input partitions.
 */
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { InteractionTopics } from '@cx/contracts';
import { defineScripts, KeySpace, REDIS, type RedisClient, type ScriptDefinition } from '@cx/redis';
import type { ConsumerProgress, PartitionProgress } from '@cx/runtime';
import { SlaKeys } from './sla-keys';

/** Defined on the client at creation (app.module.ts), before any command: see defineScripts. */
export const WATERMARK_SCRIPT: ScriptDefinition = { name: 'cxWatermark', numberOfKeys: 1, lua: `
local cur = redis.call('HGET', KEYS[1], ARGV[1])
if (not cur) or tonumber(cur) < tonumber(ARGV[2]) then redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) end
return 1` };

/** A record stamped just before a fetch may reach the broker just after it: not yet counted as consumed. */
export const IDLE_MARGIN_MS = 50;

type WithMax = RedisClient & { cxWatermark(key: string, field: string, value: number): Promise<number> };

@Injectable()
export class SlaProgress implements ConsumerProgress {
  private readonly log = new Logger('SlaWatermarks');
  private readonly written = new Map<string, number>();
  private failing = false;

  private readonly keys: SlaKeys;

  constructor(@Inject(REDIS) private readonly redis: RedisClient, space: KeySpace) {
    this.keys = new SlaKeys(space);
    defineScripts(redis, [WATERMARK_SCRIPT]); // for clients made elsewhere (tests); a no-op in the service
  }

  committed(progress: PartitionProgress[]): void {
    for (const p of progress) {
      if (!isInput(p.topic)) continue;
      this.advance(`${p.topic}:${p.partition}`, p.caughtUp ? Math.max(p.maxEventTime, p.fetchedAt - IDLE_MARGIN_MS) : p.maxEventTime);
    }
  }

  idle(assigned: { topic: string; partitions: number[] }[], fetchedAt: number): void {
    for (const a of assigned) if (isInput(a.topic)) for (const p of a.partitions) this.advance(`${a.topic}:${p}`, fetchedAt - IDLE_MARGIN_MS);
  }

  private advance(field: string, value: number): void {
    if (!(value > (this.written.get(field) ?? 0))) return;
    this.written.set(field, value);
    (this.redis as WithMax).cxWatermark(this.keys.watermarks(), field, value).then(
      () => { if (this.failing) this.log.log('watermark writes resumed'); this.failing = false; },
      (e: Error) => {
        this.written.delete(field); // write it again next time
        if (!this.failing) this.log.warn(`cannot write the watermark (timers wait for it): ${e.message}`);
        this.failing = true;
      },
    );
  }
}

function isInput(topic: string): boolean {
  return (InteractionTopics as readonly string[]).includes(topic);
}

/**
 * The lowest watermark over every input partition, read at most every `maxAgeMs`, with a short
 * history of when each value was first seen (lateness is measured from when firing became possible).
 */
export class WatermarkReader {
  private value = 0;
  private readAt = 0;
  private reading?: Promise<number>;
  private readonly seen: { at: number; value: number }[] = [];

  constructor(
    private readonly redis: RedisClient,
    private readonly keys: SlaKeys,
    /** Every "<topic>:<partition>" the input has: a missing one holds the watermark back. */
    private readonly fields: () => string[],
    private readonly maxAgeMs = 20,
    private readonly clock: () => number = Date.now,
  ) {}

  async current(): Promise<number> {
    const now = this.clock();
    if (now - this.readAt < this.maxAgeMs) return this.value;
    this.reading ??= this.redis.hgetall(this.keys.watermarks()).then((h) => {
      const values = this.fields().map((f) => Number(h[f] ?? 0));
      this.value = values.length ? Math.min(...values) : 0;
      this.readAt = this.clock();
      if (!this.seen.length || this.seen[this.seen.length - 1].value !== this.value) this.seen.push({ at: this.readAt, value: this.value });
      if (this.seen.length > 512) this.seen.splice(0, this.seen.length - 512);
      return this.value;
    }).finally(() => { this.reading = undefined; });
    return this.reading;
  }

  /** When firing a threshold at `atMs` became possible: its instant, or when the watermark was first seen past it. */
  possibleAt(atMs: number): number {
    for (let i = 0; i < this.seen.length; i++) {
      // Past the oldest reading kept, when it became possible is unknown: take its instant.
      if (this.seen[i].value >= atMs) return i === 0 ? atMs : Math.max(atMs, this.seen[i].at);
    }
    return atMs;
  }
}

/** The input partitions the watermark must cover ("<topic>:<partition>"), from Kafka's metadata. */
export class InputPartitions {
  fields: string[] = [];

  constructor(private readonly kafka: Kafka, private readonly topicPrefix: string) {}

  async refresh(): Promise<boolean> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const { topics } = await admin.fetchTopicMetadata({ topics: InteractionTopics.map((t) => this.topicPrefix + t) });
      this.fields = topics.flatMap((t) => t.partitions.map((p) => `${t.name.slice(this.topicPrefix.length)}:${p.partitionId}`));
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
    return false;
  }
}
