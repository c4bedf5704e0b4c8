/*
 * Every Redis key of the sla-monitor (KeySpace layout, libs/redis/src/key-space.ts). A
 * conversation's state and the shard's timer queue and open-clock counts share the shard's tag,
 * so one commit script applies a state, its next due instant and the events it fired atomically.
 *
 *   cx:sla:{sla.<n>}:s:<ck>   STRING  encodeState(state), with TTL
 *   cx:sla:{sla.<n>}:due      ZSET    <ck> → its earliest pending threshold (epoch ms), or a lease deadline while claimed
 *   cx:sla:{sla.<n>}:open     HASH    open clocks by metric in this shard (the gauge)
 *   cx:sla:{sla.<n>}:att:<day>:<tenant>  HASH  ended clocks per 15-minute bucket and attributes (the router's "within SLA today")
 *   cx:sla:{sla.wm}           HASH    "<topic>:<partition>" → event-time watermark (epoch ms)
 *   cx:sla:{sla.policies}     HASH    "text:<version>" → a policy file's text, "at:<version>" → its reload instant
 */
import type { KeySpace } from '@cx/redis';
import type { Cmd, KeyedRoute } from '@cx/runtime';
import { ATTAINMENT_TTL_SECONDS, attainmentField, attainmentIncrements, attainmentKeyName, type SlaCompletion, type SlaState } from '@cx/sla';

/** A conversation: tenant + id. */
export interface ConvRef {
  tenantid: string;
  conversationId: string;
}

/** The conversation key `ck`: the bare id for the default tenant (the common case), else JSON. */
export function convKey(c: ConvRef): string {
  return c.tenantid === 'default' && !c.conversationId.startsWith('[') ? c.conversationId : JSON.stringify([c.tenantid, c.conversationId]);
}
export function parseConvKey(ck: string): ConvRef {
  if (!ck.startsWith('[')) return { tenantid: 'default', conversationId: ck };
  const [tenantid, conversationId] = JSON.parse(ck) as [string, string];
  return { tenantid, conversationId };
}

export class SlaKeys {
  constructor(readonly space: KeySpace) {}

  get shards(): number {
    return this.space.shards;
  }

  /** The conversation's route: its shard, `ck` as the entity, the state key. */
  conversation(ck: string): KeyedRoute {
    const { tenantid, conversationId } = parseConvKey(ck);
    const shard = this.space.shardOf(tenantid, conversationId);
    return { shard, entity: ck, key: this.space.key(shard, `s:${ck}`) };
  }

  due(shard: number): string {
    return this.space.key(shard, 'due');
  }

  open(shard: number): string {
    return this.space.key(shard, 'open');
  }

  /** What ended clocks add to the shard's attainment buckets (HINCRBY, and the bucket's TTL). */
  attainment(shard: number, completions: readonly SlaCompletion[], state: SlaState | undefined): Cmd[] {
    const out: Cmd[] = [];
    for (const { tenant, cell, by } of attainmentIncrements(completions, state)) {
      const key = this.space.key(shard, attainmentKeyName(tenant, cell.day));
      out.push({ name: 'HINCRBY', keys: [key], args: [attainmentField(cell), by] }, { name: 'EXPIRE', keys: [key], args: [ATTAINMENT_TTL_SECONDS] });
    }
    return out;
  }

  watermarks(): string {
    return this.space.single('wm');
  }

  policyVersions(): string {
    return this.space.single('policies');
  }
}
