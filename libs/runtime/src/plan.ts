/*
 * The one protocol every unit of work follows (docs/runtime.md): a handler decodes nothing and
 * writes nothing; it returns a Plan, plain data saying what to write (Redis commands per entity,
 * guarded where a read-modify-write races another writer), what to emit (events, published through
 * the shard's outbox) and what to tell live clients (fan-out). The committer applies every plan
 * the same way, for the consumers, the timer-driven work and the API.
 */
import type { RawMessage } from '@cx/contracts';
import type { MetricUpdate } from '@cx/metrics';
import type { Cmd, Fanout, Guard } from '@cx/redis';

export type { Cmd, Fanout, Guard };

/** An event to publish: the logical topic (the prefix is applied by the publisher) and the CloudEvent. */
export interface OutEvent {
  topic: string;
  event: { id: string; type: string; subject: string; time: string };
}

/** Where an entity's state lives: its shard, and a name unique within the shard (the unit of atomicity). */
export interface Route {
  shard: number;
  entity: string;
}

/** The change of one entity: applied all or nothing, in its shard's slot. */
export interface Change extends Route {
  guards?: Guard[];
  commands?: Cmd[];
  events?: OutEvent[];
  fanout?: Fanout[];
  /** Metrics of this change, counted once it applied. */
  counts?: Count[];
  /**
   * Applied before the unit's own (marked) changes, and again if the unit is planned again or
   * retried: for an idempotent effect on another entity, which has no marks of its own (a
   * customer's history that a conversation's request updates). Never guarded.
   */
  ahead?: boolean;
}

/** A metric to count once the plan has committed (never while planning: a retried plan would count twice). */
export type Count = MetricUpdate;

/** One decoded message of a Kafka unit, with where it came from. */
export interface InboundItem<E> {
  event: E;
  topic: string;
  partition: number;
  offset: string;
  raw: RawMessage;
}

export interface Rejection<E> {
  item: InboundItem<E>;
  reason: string;
}

export interface Plan<E = unknown> {
  changes: Change[];
  /** Items that could not be processed (an exception in the pure step): to cx.dlq with the reason, unmarked so a fixed replay applies. */
  deadLetters?: Rejection<E>[];
  /** Items deliberately not applied (closed conversation, not for this service). */
  dropped?: Rejection<E>[];
}

/**
 * A consumer's handler for one topic. `route` says which entity an event changes (its
 * de-duplication mark lives in that entity's shard); `prepare` reads what planning needs (its
 * commands are auto-pipelined with the runtime's de-duplication check: one round trip); `plan`
 * is pure and gets only the events never applied before, in order.
 */
export interface UnitHandler<E = unknown, L = unknown> {
  /**
   * Event types on the topic this handler never acts on: the transport skips them by their type
   * alone (peekType), neither decoded nor de-duplicated, and counts them as dropped. For topics a
   * service shares with its own outputs (the router reads cx.escalations, where it writes too).
   */
  readonly ignores?: ReadonlySet<string>;
  route(event: E): Route;
  prepare(events: E[]): Promise<L>;
  plan(items: InboundItem<E>[], loaded: L, now: number): Plan<E>;
}

/**
 * Runs `fn` per item, turning an exception into a dead letter for that item only, so one poison
 * message never blocks the rest of its unit.
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

/**
 * Merges per-partition lists by message timestamp without ever reordering within a list, so a
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
