/*
 * An in-memory stand-in for the two ports the services' runtime code talks to, for service tests:
 * the Committer (guards, de-duplication marks, commands, events and fan-out, with the commit
 * script's all-or-nothing semantics per part) and the reads a handler or scheduler makes (MGET,
 * HGETALL, the lease queue's claim). It understands exactly the commands the services plan; the
 * real script is tested against real Redis in test/runtime-commit.int-spec.ts.
 */
import { createHash } from 'node:crypto';
import type { Fanout, KeySpace, PartStatus } from '@cx/redis';
import type { Part } from '../committer';
import type { Count, OutEvent } from '../plan';

export class MemoryStore {
  readonly strings = new Map<string, string>();
  readonly zsets = new Map<string, Map<string, number>>();
  readonly hashes = new Map<string, Map<string, string>>();
  readonly sets = new Map<string, Set<string>>();
  constructor(readonly keys: KeySpace) {}

  readonly published: OutEvent[] = [];
  readonly fanout: Fanout[] = [];
  readonly counts: Count[] = [];
  /** Makes the next `n` commits fail as if Kafka or Redis were down (after applying, like a crash before the publish). */
  failNext = 0;

  private zset(k: string) { let z = this.zsets.get(k); if (!z) this.zsets.set(k, (z = new Map())); return z; }
  private hash(k: string) { let h = this.hashes.get(k); if (!h) this.hashes.set(k, (h = new Map())); return h; }
  private set(k: string) { let s = this.sets.get(k); if (!s) this.sets.set(k, (s = new Set())); return s; }

  /** The Committer port. */
  readonly committer = {
    apply: async (parts: Part[]): Promise<PartStatus[]> => {
      const statuses = parts.map((p) => this.applyPart(p));
      if (this.failNext > 0) { this.failNext--; throw new Error('broker unavailable'); }
      parts.forEach((p, i) => {
        if (statuses[i] !== 'applied') return;
        this.published.push(...(p.events ?? []));
        this.fanout.push(...(p.fanout ?? []));
        this.counts.push(...(p.counts ?? []));
      });
      return statuses;
    },
  };

  private applyPart(p: Part): PartStatus {
    const marks = this.zset(this.keys.marks(p.shard));
    if ((p.marks ?? []).some((m) => marks.has(m))) return 'duplicate';
    for (const g of p.guards ?? []) {
      const cur = this.strings.get(g.key);
      const digest = cur === undefined ? '' : createHash('sha1').update(cur).digest('hex');
      if (digest !== g.digest) return 'conflict';
    }
    for (const c of p.commands ?? []) this.run(c.name, c.keys, c.args.map(String));
    for (const m of p.marks ?? []) marks.set(m, Date.now());
    return 'applied';
  }

  private run(name: string, keys: string[], a: string[]): void {
    const [k] = keys;
    switch (name) {
      case 'SET': if (!(a.includes('NX') && this.strings.has(k))) this.strings.set(k, a[0]); return;
      case 'DEL': this.strings.delete(k); return;
      case 'ZADD': {
        const nx = a[0] === 'NX';
        const args = nx ? a.slice(1) : a;
        for (let i = 0; i < args.length; i += 2) if (!(nx && this.zset(k).has(args[i + 1]))) this.zset(k).set(args[i + 1], Number(args[i]));
        return;
      }
      case 'ZREM': for (const m of a) this.zset(k).delete(m); return;
      case 'HSET': for (let i = 0; i < a.length; i += 2) this.hash(k).set(a[i], a[i + 1]); return;
      case 'HDEL': for (const f of a) this.hash(k).delete(f); return;
      case 'HINCRBY': this.hash(k).set(a[0], String(Number(this.hash(k).get(a[0]) ?? 0) + Number(a[1]))); return;
      case 'LPUSH': case 'LTRIM': case 'EXPIRE': case 'PEXPIRE': return;
      case '@move': {
        const [id, from, to] = a;
        if (from && this.set(keys[0]).delete(id)) this.run('HINCRBY', [keys[2]], [from, '-1']);
        if (to && !this.set(keys[1]).has(id)) { this.set(keys[1]).add(id); this.run('HINCRBY', [keys[2]], [to, '1']); }
        return;
      }
      case '@hset-newer': {
        const cur = this.hash(k).get(a[0]);
        if (cur && Number((JSON.parse(cur) as { at?: number }).at) > Number(a[1])) return;
        this.hash(k).set(a[0], a[2]);
        return;
      }
      default: throw new Error(`MemoryStore does not know ${name}`);
    }
  }

  /** The reads of the RedisClient port (and the lease queue's claim). */
  readonly redis = {
    defineCommand: () => undefined,
    mget: async (...keys: string[]) => keys.map((k) => this.strings.get(k) ?? null),
    zmscore: async (k: string, ...members: string[]) => members.map((m) => this.zsets.get(k)?.get(m) ?? null),
    hgetall: async (k: string) => Object.fromEntries(this.hashes.get(k) ?? []),
    hget: async (k: string, f: string) => this.hashes.get(k)?.get(f) ?? null,
    hsetnx: async (k: string, f: string, v: string) => { if (this.hash(k).has(f)) return 0; this.hash(k).set(f, v); return 1; },
    zrange: async (k: string) => [...(this.zsets.get(k) ?? [])].sort((x, y) => x[1] - y[1]).map(([m]) => m),
    zadd: async (k: string, score: number, member: string) => { this.zset(k).set(member, score); return 1; },
    zrem: async (k: string, ...members: string[]) => { for (const m of members) this.zset(k).delete(m); return members.length; },
    cxUsePolicyVersion: async (k: string, version: string, text: string, now: number) => {
      const h = this.hash(k);
      if (!h.has(`text:${version}`)) h.set(`text:${version}`, text);
      if (h.get('current') !== version) { h.set('current', version); h.set(`at:${version}`, String(now)); }
      return h.get(`at:${version}`)!;
    },
    cxLeaseClaim: async (k: string, now: number, leaseUntil: number, limit: number) => [this.claim(k, now, leaseUntil, limit)],
    cxLeaseClaimAll: async (n: number, ...a: (string | number)[]) => {
      const [now, leaseUntil, limit] = a.slice(n) as number[];
      return (a.slice(0, n) as string[]).map((k) => this.claim(k, now, leaseUntil, limit));
    },
  };

  /** The lease claim of one queue, as the script does it (flat member, score pairs). */
  private claim(k: string, now: number, leaseUntil: number, limit: number): string[] {
    const due = [...(this.zsets.get(k) ?? [])].filter(([, s]) => s <= now).sort((x, y) => x[1] - y[1]).slice(0, limit);
    for (const [m] of due) this.zset(k).set(m, leaseUntil);
    return due.flatMap(([m, s]) => [m, String(s)]);
  }

  ofType(type: string): OutEvent[] {
    return this.published.filter((e) => e.event.type === type);
  }
}
