/*
 * Every Redis key of the emotion-detector (KeySpace layout, libs/redis/src/key-space.ts): a
 * conversation's state in the conversation's shard, a customer's decaying score in the customer's.
 */
import type { KeySpace } from '@cx/redis';
import type { KeyedRoute } from '@cx/runtime';

export class EmotionKeys {
  constructor(private readonly keys: KeySpace) {}

  conversation(tenant: string, conversationId: string): KeyedRoute {
    const shard = this.keys.shardOf(tenant, conversationId);
    const entity = `conv:${tenant}:${conversationId}`;
    return { shard, entity, key: this.keys.key(shard, entity) };
  }

  customer(tenant: string, customerId: string): KeyedRoute {
    const shard = this.keys.shardOf(tenant, `cust:${customerId}`);
    const entity = `cust:${tenant}:${customerId}`;
    return { shard, entity, key: this.keys.key(shard, entity) };
  }
}
