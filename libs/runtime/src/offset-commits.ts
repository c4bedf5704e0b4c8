/*
 * When a consumer commits its offsets. Every unit's effects are durable before its offsets are
 * committed, and de-duplication marks make a replay harmless, so committing every unit buys
 * nothing but a shorter replay after a crash. It cost much: one OffsetCommit took ~435 µs of the
 * service's CPU and ~700 µs of the broker's on this 2-core machine (2026-12-02), and each service
 * committed ~50 units a second at 2,000 events/s. So offsets are committed at most every
 * `intervalMs` (like Kafka's auto.commit.interval.ms, but only ever for processed units): the
 * first unit after a quiet spell at once, later ones with the next due commit, which a timer sends
 * if no unit comes. On shutdown everything pending is committed (flush, then `immediate`).
 * After a crash or a rebalance the next owner replays at most `intervalMs` of input.
 */

/** A partition's next offset to consume: everything before it was processed. */
export interface PartitionOffset {
  topic: string;
  partition: number;
  offset: string;
}

export class OffsetCommits {
  private readonly pending = new Map<string, PartitionOffset>();
  private lastCommitAt = -Infinity;
  private timer?: NodeJS.Timeout;
  private late?: Promise<void>;
  /** Commit every unit as it ends (set on shutdown, so the last units are not left to a timer). */
  immediate = false;

  constructor(
    private readonly intervalMs: number,
    /** Sends a commit outside a unit (the timer, flush): the consumer's own commitOffsets. */
    private readonly send: (offsets: PartitionOffset[]) => Promise<void>,
    private readonly onLateFailure: (e: Error) => void,
    private readonly clock: () => number = Date.now,
  ) {}

  /**
   * A unit's partitions were processed up to these offsets. Returns what to commit now, with the
   * unit (all that is pending), or nothing when a commit was sent less than the interval ago: a
   * timer commits it then, unless a later unit does first.
   */
  processed(offsets: PartitionOffset[]): PartitionOffset[] {
    for (const o of offsets) this.pending.set(key(o), o);
    const now = this.clock();
    if (this.immediate || now - this.lastCommitAt >= this.intervalMs) return this.take(now);
    this.timer ??= setTimeout(() => void this.commitLate(), this.lastCommitAt + this.intervalMs - now).unref();
    return [];
  }

  /** A commit of these failed: pending again, unless a later unit moved the partition on. */
  failed(due: PartitionOffset[]): void {
    for (const o of due) if (!this.pending.has(key(o))) this.pending.set(key(o), o);
  }

  /** Keeps only the partitions still assigned (after a rebalance the others belong to someone else). */
  retain(assigned: { topic: string; partitions: number[] }[]): void {
    const owned = new Set(assigned.flatMap((a) => a.partitions.map((p) => `${a.topic}:${p}`)));
    for (const k of [...this.pending.keys()]) if (!owned.has(k)) this.pending.delete(k);
  }

  /** Commits everything pending now, and waits for a commit the timer sent (shutdown). */
  async flush(): Promise<void> {
    await this.late;
    const due = this.take(this.clock());
    if (due.length) await this.send(due);
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private take(now: number): PartitionOffset[] {
    this.stop();
    this.lastCommitAt = now;
    const due = [...this.pending.values()];
    this.pending.clear();
    return due;
  }

  private async commitLate(): Promise<void> {
    this.timer = undefined;
    const due = this.take(this.clock());
    if (!due.length) return;
    this.late = Promise.resolve().then(() => this.send(due)).catch((e: Error) => {
      this.failed(due);
      this.timer ??= setTimeout(() => void this.commitLate(), this.intervalMs).unref();
      this.onLateFailure(e);
    });
    await this.late;
    this.late = undefined;
  }
}

function key(o: { topic: string; partition: number }): string {
  return `${o.topic}:${o.partition}`;
}

/** Grouped by topic, as kafkajs' commit request takes them. */
export function byTopic(offsets: PartitionOffset[]): { topic: string; partitions: { partition: number; offset: string }[] }[] {
  const topics = new Map<string, { partition: number; offset: string }[]>();
  for (const { topic, partition, offset } of offsets) {
    let list = topics.get(topic);
    if (!list) topics.set(topic, (list = []));
    list.push({ partition, offset });
  }
  return [...topics].map(([topic, partitions]) => ({ topic, partitions }));
}
