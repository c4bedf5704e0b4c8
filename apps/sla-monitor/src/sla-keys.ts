/*
 * Redis key layout (docs/sla.md). Every key of one conversation, and the timer sets that hold
 * its timers, share the hash tag `{s<shard>}`: one Redis Cluster slot per shard, so each Lua
 * script touches a single slot and can claim a timer, compare-and-set a state and write the
 * outbox atomically.
 *
 *   <prefix>sla:{s<n>}:d          ZSET  due conversations: <conv> → its earliest pending threshold (epoch ms)
 *   <prefix>sla:{s<n>}:f          ZSET  in-flight conversations: <conv> → lease deadline
 *   <prefix>sla:{s<n>}:o          HASH  outbox: <conv> → JSON events committed, not yet published
 *   <prefix>sla:{s<n>}:n          HASH  open clocks by metric in this shard (for the gauge)
 *   <prefix>sla:{s<n>}:s:<conv>   STRING  encodeState(state)
 *   <prefix>sla:{s<n>}:l:<conv>   SET   consumer batches holding the conversation
 */

/** A conversation: tenant + id. `ck` is its short, unambiguous key. */
export interface ConvRef {
  tenantid: string;
  conversationId: string;
}

/** The conversation key: the bare id for the default tenant (the common case), else JSON. */
export function convKey(c: ConvRef): string {
  return c.tenantid === 'default' && !c.conversationId.startsWith('[') ? c.conversationId : JSON.stringify([c.tenantid, c.conversationId]);
}
export function parseConvKey(ck: string): ConvRef {
  if (!ck.startsWith('[')) return { tenantid: 'default', conversationId: ck };
  const [tenantid, conversationId] = JSON.parse(ck) as [string, string];
  return { tenantid, conversationId };
}

/*
 * One timer entry per conversation (its earliest pending threshold), not one per clock: half the
 * sorted-set memory for a typical conversation with two open clocks, and the state, which the
 * scheduler reads anyway, says which clocks are due.
 */

/** FNV-1a: fast, stable across processes and versions (the shard of a key must never change). */
export function shardOf(ck: string, shards: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < ck.length; i++) {
    h ^= ck.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % shards;
}

export class SlaKeys {
  constructor(
    readonly prefix: string,
    readonly shards: number,
  ) {}

  shardOf(ck: string): number {
    return shardOf(ck, this.shards);
  }
  private base(shard: number): string {
    return `${this.prefix}sla:{s${shard}}:`;
  }
  due(shard: number): string {
    return `${this.base(shard)}d`;
  }
  inflight(shard: number): string {
    return `${this.base(shard)}f`;
  }
  outbox(shard: number): string {
    return `${this.base(shard)}o`;
  }
  open(shard: number): string {
    return `${this.base(shard)}n`;
  }
  state(ck: string): string {
    return `${this.base(this.shardOf(ck))}s:${ck}`;
  }
  lock(ck: string): string {
    return `${this.base(this.shardOf(ck))}l:${ck}`;
  }
  /** Pattern of every key of this layout, for clean-up in tests and benchmarks. */
  pattern(): string {
    return `${this.prefix}sla:*`;
  }
}
