/*
 * The common consumer shape: one JSON state per entity, read once per unit, the pure step applied
 * per event in order (an exception dead-letters only that event), the touched states written back
 * in their entity's change together with the events they caused.
 */
import { readMany, type RedisClient } from '@cx/redis';
import { isolate, type Change, type Count, type InboundItem, type OutEvent, type Plan, type Rejection, type Route } from './plan';

export interface KeyedRoute extends Route {
  /** The Redis key of the entity's state (in the route's shard). */
  key: string;
}

export interface KeyedStep<S> {
  state: S;
  outputs: OutEvent[];
  /** Set when the event was deliberately not applied (the state is left as it was). */
  dropped?: string;
  counts?: Count[];
}

export interface KeyedSpec<E, S> {
  route(event: E): KeyedRoute;
  step(prev: S | undefined, item: InboundItem<E>): KeyedStep<S>;
  ttlSeconds(state: S): number;
}

/** The states of the events' entities, in one round trip. */
export function readStates<E>(redis: RedisClient, events: E[], route: (e: E) => KeyedRoute): Promise<Map<string, string | null>> {
  return readMany(redis, events.map((e) => route(e).key));
}

export function planKeyed<E, S>(items: InboundItem<E>[], loaded: Map<string, string | null>, spec: KeyedSpec<E, S>): Plan<E> {
  const states = new Map<string, S | undefined>();
  const changes = new Map<string, Change & { key: string; state?: S }>();
  const dropped: Rejection<E>[] = [];
  const { deadLetters } = isolate(items, (item) => {
    const r = spec.route(item.event);
    if (!states.has(r.key)) {
      const raw = loaded.get(r.key);
      states.set(r.key, raw ? (JSON.parse(raw) as S) : undefined);
    }
    const step = spec.step(states.get(r.key), item);
    if (step.dropped) return void dropped.push({ item, reason: step.dropped });
    states.set(r.key, step.state);
    let c = changes.get(r.key);
    if (!c) changes.set(r.key, (c = { shard: r.shard, entity: r.entity, key: r.key, events: [], counts: [] }));
    c.state = step.state;
    c.events!.push(...step.outputs);
    if (step.counts) c.counts!.push(...step.counts);
  });
  return {
    changes: [...changes.values()].map(({ key, state, ...c }) => ({
      ...c,
      commands: [{ name: 'SET', keys: [key], args: [JSON.stringify(state), 'EX', Math.max(1, Math.ceil(spec.ttlSeconds(state as S)))] }],
    })),
    deadLetters,
    dropped,
  };
}
