/*
 * The common consumer shape: one JSON state per entity, read once per unit, the pure step applied
 * per event in order (an exception dead-letters only that event), the touched states written back
 * in their entity's change together with the events they caused. A state that comes out of the
 * unit exactly as it was read (an agent's message, a call answered: ~19 % of the emotion-detector's
 * writes under the bench's traffic) only has its TTL renewed: retention still counts from the last
 * event, and Redis' AOF takes a ~90-byte PEXPIREAT instead of the whole state (~720 bytes).
 */
import { readMany, type Cmd, type RedisClient } from '@cx/redis';
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
    changes: [...changes.values()].map(({ key, state, ...c }) => ({ ...c, commands: [writeState(key, JSON.stringify(state), loaded.get(key), spec.ttlSeconds(state as S))] })),
    deadLetters,
    dropped,
  };
}

function writeState(key: string, json: string, read: string | null | undefined, ttlSeconds: number): Cmd {
  const ttl = Math.max(1, Math.ceil(ttlSeconds));
  // Same bytes as read moments ago: the key holds them (should its TTL have run out in between,
  // the renewal finds nothing and the entity starts afresh, as its TTL said).
  return json === read ? { name: 'EXPIRE', keys: [key], args: [ttl] } : { name: 'SET', keys: [key], args: [json, 'EX', ttl] };
}
