/*
 * The sla-monitor's attainment buckets (libs/sla attainment-buckets.ts) as the console's wallboard
 * reads them: every shard's hash of the UTC days the window touches, in one round trip
 * (auto-pipelined per node), cells outside the window left out. The wallboard refreshes every 30 s
 * per open console, so a tenant's answer is kept for a few seconds.
 */
import { Inject, Injectable } from '@nestjs/common';
import { REDIS, type RedisClient } from '@cx/redis';
import { ATTAINMENT_BUCKET_MS, attainmentDays, parseAttainmentField, type AttainmentCell } from '@cx/sla';
import { ROUTER_CLOCK, type Clock } from '../router-clock';
import { RouterKeys } from '../router-keys';

const CACHE_MS = 5_000;

export interface CountedCell extends AttainmentCell {
  count: number;
}

@Injectable()
export class SlaAttainmentReader {
  private readonly cache = new Map<string, { at: number; cells: CountedCell[] }>();

  constructor(@Inject(REDIS) private readonly redis: RedisClient, private readonly keys: RouterKeys, @Inject(ROUTER_CLOCK) private readonly now: Clock) {}

  /** Cells whose bucket starts in [fromMs, toMs). */
  async cells(tenant: string, fromMs: number, toMs: number): Promise<CountedCell[]> {
    const id = `${tenant}\u0000${fromMs}\u0000${Math.floor(toMs / ATTAINMENT_BUCKET_MS)}`;
    const now = this.now();
    const hit = this.cache.get(id);
    if (hit && now - hit.at < CACHE_MS) return hit.cells;
    const days = attainmentDays(fromMs, toMs);
    const reads = days.flatMap((day) => this.keys.slaAttainment(tenant, day).map(async (key) => ({ day, hash: await this.redis.hgetall(key) })));
    const cells: CountedCell[] = [];
    for (const { day, hash } of await Promise.all(reads)) {
      for (const [field, value] of Object.entries(hash)) {
        const cell = parseAttainmentField(field, day);
        if (!cell || cell.bucketMs < fromMs || cell.bucketMs >= toMs) continue;
        cells.push({ ...cell, count: Number(value) });
      }
    }
    if (this.cache.size > 1000) this.cache.clear();
    this.cache.set(id, { at: now, cells });
    return cells;
  }
}
