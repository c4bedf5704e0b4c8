import type { ChainableCommander } from 'ioredis';
import type { ConsumerWrite, FinalizeItem, SchedulerCommit, ShardLoad, SlaStore } from '../sla-store';

/** In-memory SlaStore with the same semantics as the Lua scripts, for service tests. One shard. */
export class MemorySlaStore implements SlaStore {
  readonly shards = 1;
  readonly states = new Map<string, string>();
  readonly due = new Map<string, number>();
  readonly inflight = new Map<string, number>();
  readonly outbox = new Map<string, string>();
  readonly holds = new Map<string, Set<string>>();
  readonly open: Record<string, number> = {};

  async holdAndLoad(cks: string[], holder: string): Promise<Map<string, string | null>> {
    for (const ck of cks) this.holds.set(ck, (this.holds.get(ck) ?? new Set()).add(holder));
    return new Map(cks.map((ck) => [ck, this.states.get(ck) ?? null]));
  }

  /** Applies at once: the fake has no transaction to join. */
  write(_multi: ChainableCommander, writes: ConsumerWrite[], holder: string): void {
    for (const w of writes) {
      if (w.state !== undefined) this.states.set(w.ck, w.state);
      if (w.due === null) this.due.delete(w.ck);
      else if (w.due !== undefined) this.due.set(w.ck, w.due);
      for (const [m, d] of Object.entries(w.openDelta)) this.open[m] = (this.open[m] ?? 0) + d;
      this.holds.get(w.ck)?.delete(holder);
      if (this.holds.get(w.ck)?.size === 0) this.holds.delete(w.ck);
    }
  }

  async claim(_shard: number, now: number, leaseUntil: number, limit: number): Promise<string[]> {
    const out: string[] = [];
    for (const [ck, at] of [...this.due].sort((a, b) => a[1] - b[1])) {
      if (at > now || out.length >= limit) break;
      this.due.delete(ck);
      this.inflight.set(ck, leaseUntil);
      out.push(ck);
    }
    for (const [ck, lease] of this.inflight) {
      if (lease < now && out.length < limit && !out.includes(ck)) {
        this.inflight.set(ck, leaseUntil);
        out.push(ck);
      }
    }
    return out;
  }

  async load(_shard: number, cks: string[], members: string[]): Promise<ShardLoad> {
    const outbox = new Map<string, string>();
    for (const m of members) if (this.outbox.has(m)) outbox.set(m, this.outbox.get(m)!);
    return { states: new Map(cks.map((ck) => [ck, this.states.get(ck) ?? null])), outbox };
  }

  async commit(_shard: number, commits: SchedulerCommit[]): Promise<boolean[]> {
    return commits.map((c) => {
      if (this.states.get(c.ck) !== c.expected || this.holds.has(c.ck)) return false;
      this.states.set(c.ck, c.state);
      if (c.outbox) this.outbox.set(c.ck, c.outbox);
      return true;
    });
  }

  async finalize(_shard: number, items: FinalizeItem[]): Promise<void> {
    for (const i of items) {
      if (this.inflight.get(i.member) === i.lease) this.inflight.delete(i.member);
      if (i.nextDue !== undefined) this.due.set(i.member, Math.min(i.nextDue, this.due.get(i.member) ?? Infinity));
      if (i.clearOutbox) this.outbox.delete(i.member);
    }
  }

  async openClocks(): Promise<Record<string, number>> {
    return { ...this.open };
  }
}
