import type Redis from 'ioredis';
import type { ChainableCommander } from 'ioredis';
import type { SlaKeys } from './sla-keys';
import { CLAIM_LUA, COMMIT_LUA, FINALIZE_LUA, HOLD_LUA, WRITE_LUA } from './sla-scripts';
import type { ConsumerWrite, FinalizeItem, SchedulerCommit, ShardLoad, SlaStore } from './sla-store';

type Script = (...args: (string | number)[]) => Promise<unknown>;
interface SlaCommands {
  slaClaim: Script;
  slaCommit: Script;
  slaFinalize: Script;
  slaHold: Script;
  slaWrite: Script;
}

/** SlaStore on Redis: every script touches one shard's slot (sla-keys.ts). */
export class RedisSlaStore implements SlaStore {
  readonly shards: number;

  constructor(
    private readonly redis: Redis,
    readonly keys: SlaKeys,
    private readonly holdTtlMs: number,
  ) {
    this.shards = keys.shards;
    // defineCommand uses EVALSHA and loads the script on NOSCRIPT, in pipelines and MULTI too.
    const define = (name: string, numberOfKeys: number | undefined, lua: string) => {
      if (!(name in redis)) redis.defineCommand(name, numberOfKeys === undefined ? { lua } : { numberOfKeys, lua });
    };
    define('slaClaim', 2, CLAIM_LUA);
    define('slaCommit', undefined, COMMIT_LUA);
    define('slaFinalize', 3, FINALIZE_LUA);
    define('slaHold', 2, HOLD_LUA);
    define('slaWrite', 4, WRITE_LUA);
  }

  private get cmd(): SlaCommands {
    return this.redis as unknown as SlaCommands;
  }

  async holdAndLoad(cks: string[], holder: string): Promise<Map<string, string | null>> {
    // One explicit pipeline (one socket write, not one per conversation); each script is single-slot.
    if (cks.length === 0) return new Map();
    const p = this.redis.pipeline();
    for (const ck of cks) void (p as unknown as SlaCommands).slaHold(this.keys.state(ck), this.keys.lock(ck), holder, this.holdTtlMs);
    const replies = (await p.exec()) ?? [];
    return new Map(cks.map((ck, i) => {
      const [err, value] = replies[i] ?? [new Error('no reply')];
      if (err) throw err;
      return [ck, (value as string | null) ?? null];
    }));
  }

  write(multi: ChainableCommander, writes: ConsumerWrite[], holder: string): void {
    const m = multi as unknown as SlaCommands;
    for (const w of writes) {
      const shard = this.keys.shardOf(w.ck);
      const deltas = Object.entries(w.openDelta).filter(([, d]) => d !== 0);
      void m.slaWrite(
        this.keys.state(w.ck), this.keys.lock(w.ck), this.keys.due(shard), this.keys.open(shard),
        holder, w.state ?? '', w.ttlSeconds, w.ck, w.due === undefined ? '' : w.due === null ? 'rm' : w.due,
        deltas.length, ...deltas.flat(),
      );
    }
  }

  async claim(shard: number, now: number, leaseUntil: number, limit: number): Promise<string[]> {
    return (await this.cmd.slaClaim(this.keys.due(shard), this.keys.inflight(shard), now, leaseUntil, limit)) as string[];
  }

  async load(shard: number, cks: string[], members: string[]): Promise<ShardLoad> {
    const p = this.redis.pipeline();
    p.mget(...cks.map((ck) => this.keys.state(ck))); // one slot: MGET is cluster-safe here
    p.hmget(this.keys.outbox(shard), ...members);
    const [[e1, states], [e2, outbox]] = (await p.exec()) as [[Error | null, (string | null)[]], [Error | null, (string | null)[]]];
    if (e1 || e2) throw e1 ?? e2;
    const out = new Map<string, string>();
    members.forEach((m, i) => { if (outbox[i]) out.set(m, outbox[i]!); });
    return { states: new Map(cks.map((ck, i) => [ck, states[i]])), outbox: out };
  }

  async commit(shard: number, commits: SchedulerCommit[]): Promise<boolean[]> {
    if (commits.length === 0) return [];
    const keys = [this.keys.outbox(shard), ...commits.flatMap((c) => [this.keys.state(c.ck), this.keys.lock(c.ck)])];
    const args = commits.flatMap((c) => [c.ck, c.expected, c.state, c.outbox]);
    const res = (await this.cmd.slaCommit(keys.length, ...keys, commits.length, ...args)) as number[];
    return res.map((r) => r === 1);
  }

  async finalize(shard: number, items: FinalizeItem[]): Promise<void> {
    if (items.length === 0) return;
    const args = items.flatMap((i) => [i.member, i.lease, i.nextDue ?? '', i.clearOutbox ? '1' : '0']);
    await this.cmd.slaFinalize(this.keys.due(shard), this.keys.inflight(shard), this.keys.outbox(shard), items.length, ...args);
  }

  async openClocks(): Promise<Record<string, number>> {
    const p = this.redis.pipeline();
    for (let s = 0; s < this.shards; s++) p.hgetall(this.keys.open(s));
    const out: Record<string, number> = {};
    for (const [err, h] of (await p.exec()) ?? []) {
      if (err) throw err;
      for (const [metric, n] of Object.entries(h as Record<string, string>)) out[metric] = (out[metric] ?? 0) + Number(n);
    }
    return out;
  }
}
