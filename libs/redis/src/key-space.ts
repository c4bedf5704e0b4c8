/*
 * Key naming shared by every service (one rule, one place): each service's keys live in its
 * namespace and in one of a fixed number of shards. A shard is one hash tag, so one Redis Cluster
 * slot: every key a unit of work writes for one conversation (or customer) carries the shard tag of
 * that conversation, together with the shard's de-duplication marks, outbox and timer queues, so
 * the committer never needs a transaction across slots (docs/contract.md, "State and scaling").
 *
 *   <prefix>cx:<ns>:{<ns>.<shard>}:<name>       per-shard keys (state, marks, outbox, queues)
 *   <prefix>cx:<ns>:{<ns>.<name>}               keys of their own (watermarks, config version)
 *
 * The shard count is fixed for the life of the data: changing it re-homes every key.
 */

/** FNV-1a over UTF-16 code units: fast and stable across processes and versions. */
export function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export class KeySpace {
  readonly base: string;

  constructor(
    readonly prefix: string,
    readonly ns: string,
    readonly shards: number,
  ) {
    if (!/^[a-z][a-z0-9-]*$/.test(ns)) throw new Error(`invalid key namespace "${ns}"`);
    if (!Number.isInteger(shards) || shards < 1) throw new Error(`invalid shard count ${shards}`);
    this.base = `${prefix}cx:${ns}:`;
  }

  /** The shard of an entity (tenant and id: ids are only unique within a tenant). */
  shardOf(tenant: string, id: string): number {
    return this.shardOfKey(tenant === 'default' ? id : `${tenant}\u001f${id}`);
  }

  /** The shard of an opaque key (a service that derives its own, e.g. from a hash in a public id). */
  shardOfKey(key: string): number {
    return fnv1a(key) % this.shards;
  }

  /** The shard's hash tag: every key of the shard shares it. */
  tag(shard: number): string {
    return `{${this.ns}.${shard}}`;
  }

  key(shard: number, name: string): string {
    return `${this.base}${this.tag(shard)}:${name}`;
  }

  /** A key outside the shards, in a slot of its own. */
  single(name: string): string {
    return `${this.base}{${this.ns}.${name}}`;
  }

  /** Processed input events of the shard (a sorted set of id digests scored by when). */
  marks(shard: number): string {
    return this.key(shard, 'seen');
  }

  /** Committed events not yet confirmed on Kafka: id → messages; and id → lease deadline. */
  outbox(shard: number): string {
    return this.key(shard, 'ob');
  }
  outboxDue(shard: number): string {
    return this.key(shard, 'obd');
  }

  /** Pattern of every key of the namespace, for clean-up in tests and benchmarks. */
  pattern(): string {
    return `${this.base}*`;
  }

  allShards(): number[] {
    return Array.from({ length: this.shards }, (_, i) => i);
  }
}
