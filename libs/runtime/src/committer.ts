/*
 * The committer: applies the changes of a plan with the commit script (commit-script.ts): one call
 * per shard on a Redis Cluster, one call for the whole plan on a single node. Then it publishes
 * what applied to Kafka and drops it from the outbox. Consumers, timer rounds and API requests all
 * commit through here, so "state, marks and outbox together, then publish" holds everywhere.
 * Calls of different shards are sent in the same tick: ioredis auto-pipelining turns them into one
 * round trip per Redis node.
 */
import { Logger } from '@nestjs/common';
import { textHash } from '@cx/contracts';
import type { KafkaOut, Publisher } from '@cx/kafka';
import type { PipelineMetrics } from '@cx/metrics';
import { decodeStatuses, defineRuntimeScripts, encodeCommit, isClusterClient, type KeySpace, type PartStatus, type RedisClient, type ScriptPart } from '@cx/redis';
import { encodeOut, type EncodedEvent } from './outbox-codec';
import type { Change } from './plan';

/** A change plus the de-duplication marks of the input events it applies. */
export type Part = Change & { marks?: string[] };

export interface CommitterOptions {
  instanceId: string;
  /** How long de-duplication marks are kept (ms). */
  markTtlMs: number;
  /** How long the committer owns a fresh outbox entry before the drainer may publish it. */
  outboxLeaseMs: number;
}

type WithCommit = RedisClient & { cxCommit(numKeys: number, ...a: (string | number)[]): Promise<unknown> };

/** SHA-1 hex of a value as read, for a guard (`""` for a key that did not exist). */
export function digestOf(value: string | null | undefined): string {
  return value === null || value === undefined ? '' : textHash('sha1', value, 'hex');
}

export class Committer {
  private readonly log = new Logger('Committer');
  private seq = 0;
  /** Acknowledgements and hand-overs sent to Redis and not yet answered (see settled()). */
  private readonly unanswered = new Set<Promise<unknown>>();
  /** Shard → the group its parts commit with: the shard itself on a Cluster, one group on a single node. */
  private readonly groupOf: (shard: number) => number;

  constructor(
    private readonly redis: RedisClient,
    readonly keys: KeySpace,
    private readonly publisher: Publisher,
    private readonly metrics: PipelineMetrics,
    private readonly options: CommitterOptions,
    private readonly clock: () => number = Date.now,
  ) {
    defineRuntimeScripts(redis); // already done by createRedis; here for clients made otherwise
    this.groupOf = isClusterClient(redis) ? (shard) => shard : () => 0;
  }

  /**
   * Applies the parts (each all or nothing), publishes the events of the applied ones with
   * `extra` records (dead letters), and returns each part's status in order. Throws on a Redis or
   * Kafka failure: what committed stays in the outbox, and the drainer publishes it.
   */
  async apply(parts: Part[], extra: KafkaOut[] = []): Promise<PartStatus[]> {
    const now = this.clock();
    const byGroup = new Map<number, number[]>();
    parts.forEach((p, i) => {
      const g = this.groupOf(p.shard);
      let list = byGroup.get(g);
      if (!list) byGroup.set(g, (list = []));
      list.push(i);
    });
    const encoded = parts.map((p) => (p.events ?? []).map(encodeOut));
    const statuses: PartStatus[] = new Array(parts.length);
    const entries: { shard: number; id: string }[] = [];
    const outputs: EncodedEvent[] = [];
    await Promise.all([...byGroup.values()].map(async (indexes) => {
      const id = `${this.options.instanceId}.${++this.seq}`;
      const shard = parts[indexes[0]].shard; // the group's outbox: its first part's shard
      const scriptParts: ScriptPart[] = indexes.map((i) => ({
        marksKey: this.keys.marks(parts[i].shard),
        marks: parts[i].marks ?? [],
        guards: parts[i].guards ?? [],
        commands: parts[i].commands ?? [],
        payload: encoded[i].map((e) => e.line).join('\n'),
        fanout: parts[i].fanout ?? [],
      }));
      const { keys, args } = encodeCommit({
        outboxKey: this.keys.outbox(shard), outboxDueKey: this.keys.outboxDue(shard),
        now, markTtlMs: this.options.markTtlMs, outboxId: id, leaseUntil: now + this.options.outboxLeaseMs, parts: scriptParts,
      });
      const result = decodeStatuses(await (this.redis as WithCommit).cxCommit(keys.length, ...keys, ...args));
      let any = false;
      indexes.forEach((i, j) => {
        statuses[i] = result[j];
        if (result[j] !== 'applied') return void this.metrics.commitConflicts.inc({ outcome: result[j] });
        if (encoded[i].length) any = true;
        outputs.push(...encoded[i]);
      });
      if (any) entries.push({ shard, id });
    }));
    try {
      await this.publisher.send([...outputs.map((e) => e.record), ...extra]);
    } catch (e) {
      // Hand the entries to the drainer at once instead of when their lease runs out.
      for (const { shard, id } of entries) this.track(this.redis.zadd(this.keys.outboxDue(shard), now, id).catch(() => undefined));
      throw e;
    }
    this.countProduced(outputs);
    this.acknowledge(entries);
    for (let i = 0; i < parts.length; i++) if (statuses[i] === 'applied') for (const c of parts[i].counts ?? []) this.metrics.apply(c);
    return statuses;
  }

  /**
   * Drops published entries from the outbox. Not awaited by the caller (a commit does not wait one
   * more round trip), but tracked until Redis answers: see settled().
   */
  acknowledge(entries: { shard: number; id: string }[]): void {
    for (const { shard, id } of entries) {
      this.track(Promise.all([this.redis.hdel(this.keys.outbox(shard), id), this.redis.zrem(this.keys.outboxDue(shard), id)])
        .catch((e: Error) => this.log.warn(`outbox acknowledgement failed (the drainer will republish): ${e.message}`)));
    }
  }

  /**
   * Resolves once every acknowledgement and hand-over sent so far has been answered. The runtime
   * awaits it on shutdown before the Redis client closes: an sla-monitor leaving on SIGTERM
   * published its last timer rounds, closed Redis while their acknowledgements were still
   * unanswered, and another instance's drainer published those entries again when their lease ran
   * out 30 s later (63 warning, breach and escalation-request ids twice in a CI run; 35-175 ids per
   * 3-5 scale-ins on the cluster tier).
   */
  async settled(): Promise<void> {
    while (this.unanswered.size > 0) await Promise.all([...this.unanswered]);
  }

  private track(p: Promise<unknown>): void {
    this.unanswered.add(p);
    void p.finally(() => this.unanswered.delete(p));
  }

  private countProduced(outputs: EncodedEvent[]): void {
    if (outputs.length === 0) return;
    const counts = new Map<string, number>();
    for (const o of outputs) {
      const k = `${o.record.topic}\u0000${o.type}`;
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
    for (const [k, n] of counts) {
      const [topic, type] = k.split('\u0000');
      this.metrics.produced.inc({ topic, type }, n);
    }
  }
}
