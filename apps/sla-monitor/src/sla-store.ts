import type { ChainableCommander } from 'ioredis';

/** The consumer's changes to one conversation, written in the batch's MULTI. */
export interface ConsumerWrite {
  ck: string;
  /** encodeState of the new state; absent when the batch did not change it. */
  state?: string;
  ttlSeconds: number;
  /** The conversation's earliest pending threshold: undefined = unchanged, null = none pending. */
  due?: number | null;
  openDelta: Record<string, number>;
}

/** What the scheduler loaded for claimed timers of one shard. */
export interface ShardLoad {
  states: Map<string, string | null>;
  /**
   * Outbox entries left by a claimer that died between commit and publish: conversation → entry
   * (compact records the scheduler rebuilds the events from: sla.scheduler.ts `outboxEvents`).
   */
  outbox: Map<string, string>;
}

export interface SchedulerCommit {
  ck: string;
  expected: string;
  state: string;
  /**
   * The outbox entry written with the state: the records of this commit's firings (plus any
   * recovered ones), kept until published (sla.scheduler.ts `outboxRecord`).
   */
  outbox: string;
}

export interface FinalizeItem {
  member: string;
  lease: number;
  nextDue?: number;
  clearOutbox: boolean;
}

/**
 * The port between the SLA services and Redis (RedisSlaStore; an in-memory fake in tests).
 * Consumer: holdAndLoad, then write in the batch's MULTI. Scheduler: claim → load → commit
 * (compare-and-set) → publish → finalize.
 */
export interface SlaStore {
  readonly shards: number;
  holdAndLoad(cks: string[], holder: string): Promise<Map<string, string | null>>;
  write(multi: ChainableCommander, writes: ConsumerWrite[], holder: string): void;
  claim(shard: number, now: number, leaseUntil: number, limit: number): Promise<string[]>;
  load(shard: number, cks: string[], members: string[]): Promise<ShardLoad>;
  commit(shard: number, commits: SchedulerCommit[]): Promise<boolean[]>;
  finalize(shard: number, items: FinalizeItem[]): Promise<void>;
  /** Open clocks by metric, summed over the shards. */
  openClocks(): Promise<Record<string, number>>;
}
