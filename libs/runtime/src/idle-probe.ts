/*
 * Which of this consumer's partitions have been consumed to their end, for event-time watermarks:
 * a partition without new input holds every timer back (the scheduler fires up to the lowest
 * watermark), so it must advance with the wall clock once it is truly caught up — and never
 * before. kafkajs's fetch events cannot tell (their batch count is always 0), so this probe asks
 * Kafka: a partition is caught up as of the probe's start when no batch of it is in flight or
 * arrived meanwhile and the group's committed offset, or what this instance has processed since
 * (offsets are committed at most every KAFKA_COMMIT_INTERVAL_MS), has reached the log end.
 */
import type { PartitionOffset, PartitionOffsets } from '@cx/kafka';
import { LoopRunner } from './loop-runner';

export interface AssignedPartitions { topic: string; partitions: number[] }

/** What the consumer knows about its partitions while the probe reads the offsets. */
export interface ConsumerActivity {
  /** Logical topic → partitions this instance owns (input topics of interest only). */
  assigned(): AssignedPartitions[];
  /** The batch of "topic:partition" (logical) is collected or being processed. */
  inFlight(key: string): boolean;
  /** When a batch of "topic:partition" last arrived (epoch ms), or 0. */
  lastBatchAt(key: string): number;
  /** The next offset of "topic:partition" after what this instance processed (effects committed), or -1. */
  processedTo(key: string): bigint;
}

/**
 * The assigned partitions that were caught up at `startedAt`: no batch in flight now, none arrived
 * since `startedAt`, and the committed or processed offset at the log end (read after `startedAt`).
 */
export function caughtUpAt(activity: ConsumerActivity, offsets: PartitionOffset[], physical: (logical: string) => string, startedAt: number): AssignedPartitions[] {
  const byKey = new Map(offsets.map((o) => [`${o.topic}:${o.partition}`, o]));
  const out: AssignedPartitions[] = [];
  for (const a of activity.assigned()) {
    const partitions = a.partitions.filter((p) => {
      const key = `${a.topic}:${p}`;
      if (activity.inFlight(key) || activity.lastBatchAt(key) >= startedAt) return false;
      const o = byKey.get(`${physical(a.topic)}:${p}`);
      if (o === undefined) return false;
      return o.committed >= o.high || activity.processedTo(key) >= o.high;
    });
    if (partitions.length) out.push({ topic: a.topic, partitions });
  }
  return out;
}

/**
 * The topics with a partition quiet for `quietMs` (nothing in flight, no batch since): only those
 * are worth asking Kafka about. A partition with recent batches advances with them (their
 * high-watermark check); probing it too cost the sla-monitor ~40 Kafka requests a second under load.
 */
export function quietTopics(activity: ConsumerActivity, now: number, quietMs: number): string[] {
  return activity.assigned()
    .filter((a) => a.partitions.some((p) => !activity.inFlight(`${a.topic}:${p}`) && activity.lastBatchAt(`${a.topic}:${p}`) <= now - quietMs))
    .map((a) => a.topic);
}

/** The consumer's side of it: what is in flight, when batches arrived, when fetches were sent. */
export class ConsumerActivityTracker implements ConsumerActivity {
  private current: AssignedPartitions[] = [];
  private readonly pending = new Map<string, number>();
  private readonly arrivedAt = new Map<string, number>();
  private readonly processedOffsets = new Map<string, bigint>();
  /** Per broker: when its fetch in progress started, and when its last completed one had started. */
  private readonly fetchStarts = new Map<number, number>();
  private readonly completedFetchStarts = new Map<number, number>();

  constructor(private readonly clock: () => number = Date.now) {}

  assign(assigned: AssignedPartitions[]): void { this.current = assigned; }
  assigned(): AssignedPartitions[] { return this.current; }
  inFlight(key: string): boolean { return (this.pending.get(key) ?? 0) > 0; }
  lastBatchAt(key: string): number { return this.arrivedAt.get(key) ?? 0; }
  processedTo(key: string): bigint { return this.processedOffsets.get(key) ?? -1n; }
  processed(key: string, next: bigint): void {
    if (next > this.processedTo(key)) this.processedOffsets.set(key, next);
  }

  fetchStarted(nodeId: number): void { this.fetchStarts.set(nodeId, this.clock()); }
  fetchCompleted(nodeId: number): void {
    const started = this.fetchStarts.get(nodeId);
    if (started !== undefined) this.completedFetchStarts.set(nodeId, started);
  }

  /**
   * When the fetch that brought a batch was sent, conservatively: batches carry no broker id, so the
   * earliest start among the brokers' last completed fetches (a later instant could claim input
   * the batch's broker had not yet seen).
   */
  fetchedAt(): number {
    let at = Infinity;
    for (const t of this.completedFetchStarts.values()) if (t < at) at = t;
    return Number.isFinite(at) ? at : this.clock();
  }

  arrived(key: string): void {
    this.pending.set(key, (this.pending.get(key) ?? 0) + 1);
    this.arrivedAt.set(key, this.clock());
  }

  finished(key: string): void {
    const n = (this.pending.get(key) ?? 0) - 1;
    if (n > 0) this.pending.set(key, n); else this.pending.delete(key);
  }
}

export class IdleProbe {
  private readonly loop: LoopRunner;

  constructor(
    private readonly offsets: PartitionOffsets,
    activity: ConsumerActivity,
    prefix: string,
    onCaughtUp: (caughtUp: AssignedPartitions[], at: number) => void,
    everyMs: number,
    clock: () => number = Date.now,
  ) {
    this.loop = new LoopRunner('idle-partition probe', everyMs, async () => {
      const startedAt = clock();
      const topics = quietTopics(activity, startedAt, everyMs);
      if (!topics.length) return false;
      const read = await offsets.read(topics.map((t) => prefix + t));
      const caughtUp = caughtUpAt(activity, read, (t) => prefix + t, startedAt);
      if (caughtUp.length) onCaughtUp(caughtUp, startedAt);
      return false;
    });
  }

  start(): void { this.loop.start(); }
  async stop(): Promise<void> {
    await this.loop.stop();
    await this.offsets.close();
  }
}
