/*
 * Publishes outbox entries that their committer did not confirm: it crashed between the commit
 * and Kafka's acknowledgement, or Kafka was down. Entries are claimed from each shard's lease
 * queue only once their committer's lease ran out (or it gave them up after a failed publish), so
 * in steady state nothing is published twice; after a crash the same ids are published again and
 * consumers de-duplicate them.
 */
import { Logger } from '@nestjs/common';
import type { Publisher } from '@cx/kafka';
import type { PipelineMetrics } from '@cx/metrics';
import { claimDueAll, type Claimed, type KeySpace, type RedisClient } from '@cx/redis';
import type { Committer } from './committer';
import { LoopRunner } from './loop-runner';
import { decodeOutbox, lineLabels } from './outbox-codec';

const BATCH = 100;

export class OutboxDrainer {
  private readonly log = new Logger('OutboxDrainer');
  private readonly loop: LoopRunner;

  constructor(
    private readonly redis: RedisClient,
    private readonly keys: KeySpace,
    private readonly publisher: Publisher,
    private readonly committer: Committer,
    private readonly metrics: PipelineMetrics,
    private readonly leaseMs: number,
    everyMs = 1_000,
    private readonly clock: () => number = Date.now,
  ) {
    this.loop = new LoopRunner('outbox drainer', everyMs, () => this.tick());
  }

  start(): void {
    this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** One pass over every shard; true when some shard had a full batch. */
  async tick(now = this.clock()): Promise<boolean> {
    const shards = this.keys.allShards();
    const claims = await claimDueAll(this.redis, shards.map((s) => this.keys.outboxDue(s)), now, now + this.leaseMs, BATCH);
    await Promise.all(shards.map((s, i) => (claims[i].length ? this.drainShard(s, claims[i]) : undefined)));
    return claims.some((c) => c.length >= BATCH);
  }

  private async drainShard(shard: number, claimed: Claimed[]): Promise<void> {
    const ids = claimed.map((c) => c.member);
    const payloads = await this.redis.hmget(this.keys.outbox(shard), ...ids);
    const entries: { shard: number; id: string }[] = [];
    const records = [];
    const lines: string[] = [];
    for (let i = 0; i < ids.length; i++) {
      const payload = payloads[i];
      entries.push({ shard, id: ids[i] });
      if (!payload) continue; // acknowledged meanwhile
      records.push(...decodeOutbox(payload));
      lines.push(...payload.split('\n').filter(Boolean));
    }
    await this.publisher.send(records);
    for (const line of lines) this.metrics.produced.inc(lineLabels(line));
    this.committer.acknowledge(entries);
    if (records.length) this.log.warn(`published ${records.length} events left in the outbox of shard ${shard}`);
  }
}
