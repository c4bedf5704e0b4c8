import type { ChainableCommander } from 'ioredis';
import type { RawMessage } from '@cx/contracts';

/** One decoded message of a Kafka batch, with where it came from. */
export interface InboundItem<E> {
  event: E;
  topic: string;
  partition: number;
  offset: string;
  raw: RawMessage;
}

/** An event to publish: the logical topic (prefix is applied by the publisher) and the CloudEvent. */
export interface OutEvent {
  topic: string;
  event: { id: string; type: string; subject: string; time: string };
}

export interface Rejection<E> {
  item: InboundItem<E>;
  reason: string;
}

/**
 * What a batch handler decided. The transport publishes `outputs` and dead letters, then runs
 * `persist` inside one Redis MULTI with the de-duplication marks, then commits the offsets.
 */
export interface BatchResult<E> {
  outputs: OutEvent[];
  deadLetters?: Rejection<E>[];
  dropped?: Rejection<E>[];
  persist?: (multi: ChainableCommander) => void;
  /** Runs once the batch is durable (e.g. push to live SSE clients). Must not throw. */
  afterCommit?: () => void;
}

/**
 * The messages of one topic in one processing unit: from one or more of its partitions, each
 * partition's in offset order (see inTimeOrder).
 */
export interface InboundBatch<E> {
  topic: string;
  partitions: number[];
  items: InboundItem<E>[];
}

/**
 * Merges per-partition lists by message timestamp without ever reordering within a list, so the
 * handler sees a partition's events in offset order and events of different partitions roughly
 * as they were produced (a customer's two conversations, say, in the order they happened).
 */
export function inTimeOrder<T>(lists: { item: T; at: number }[][]): T[] {
  const heads = lists.map(() => 0);
  const out: T[] = [];
  for (;;) {
    let best = -1;
    for (let l = 0; l < lists.length; l++) {
      if (heads[l] < lists[l].length && (best < 0 || lists[l][heads[l]].at < lists[best][heads[best]].at)) best = l;
    }
    if (best < 0) return out;
    out.push(lists[best][heads[best]++].item);
  }
}

export type BatchHandler<E> = (batch: InboundBatch<E>) => Promise<BatchResult<E>>;

/**
 * Runs `fn` per item, turning an exception into a dead letter for that item only, so one poison
 * message never blocks the rest of its batch.
 */
export function isolate<E, R>(items: InboundItem<E>[], fn: (item: InboundItem<E>) => R): { results: { item: InboundItem<E>; result: R }[]; deadLetters: Rejection<E>[] } {
  const results: { item: InboundItem<E>; result: R }[] = [];
  const deadLetters: Rejection<E>[] = [];
  for (const item of items) {
    try {
      results.push({ item, result: fn(item) });
    } catch (e) {
      deadLetters.push({ item, reason: `processing failed: ${(e as Error).message}` });
    }
  }
  return { results, deadLetters };
}
