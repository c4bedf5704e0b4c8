/*
 * What a consumer tells the service about its progress after each unit (the sla-monitor's
 * event-time watermarks, sla-watermarks.ts): how far each partition's input has been processed.
 */
import type { AssignedPartitions } from './idle-probe';

/** How far a partition's input has been processed: its effects are committed (its offsets may be committed later, OffsetCommits). */
export interface PartitionProgress {
  topic: string;
  partition: number;
  /** Latest event time (epoch ms) among the processed messages (their effects committed; the offsets may follow later). */
  maxEventTime: number;
  /** Everything up to the high watermark was processed, as of `fetchedAt`. */
  caughtUp: boolean;
  fetchedAt: number;
}

export interface ConsumerProgress {
  /** After each unit whose effects committed. */
  committed(progress: PartitionProgress[]): void;
  /** These partitions had been processed to their log end as of `fetchedAt` (IdleProbe). */
  idle(caughtUp: AssignedPartitions[], fetchedAt: number): void;
}
