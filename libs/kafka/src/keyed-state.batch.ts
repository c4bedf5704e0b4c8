import type { StateStore } from '@cx/redis';
import { isolate, type BatchResult, type InboundBatch, type InboundItem, type OutEvent, type Rejection } from './batch-types';

export interface KeyedStep<E, S> {
  key(item: InboundItem<E>): string;
  /** Pure: the item applied to the key's state, in batch order. */
  step(prev: S | undefined, item: InboundItem<E>): { state: S; outputs: OutEvent[]; dropped?: string };
  ttlSeconds(state: S): number;
}

/**
 * The common batch shape: load every key's state in one round trip, apply the pure step per
 * event in order (an exception dead-letters only that event), write the touched states in the
 * batch's MULTI.
 */
export async function processKeyed<E, S>(batch: InboundBatch<E>, store: StateStore<S>, spec: KeyedStep<E, S>): Promise<BatchResult<E>> {
  const states = await store.getMany(batch.items.map((i) => spec.key(i)));
  const touched = new Set<string>();
  const outputs: OutEvent[] = [];
  const dropped: Rejection<E>[] = [];
  const { deadLetters } = isolate(batch.items, (item) => {
    const k = spec.key(item);
    const r = spec.step(states.get(k), item);
    if (r.dropped) {
      dropped.push({ item, reason: r.dropped });
      return;
    }
    states.set(k, r.state);
    touched.add(k);
    outputs.push(...r.outputs);
  });
  return {
    outputs, deadLetters, dropped,
    persist: (multi) => { for (const k of touched) store.put(multi, k, states.get(k)!, spec.ttlSeconds(states.get(k)!)); },
  };
}
