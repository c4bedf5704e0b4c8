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
import { decodeStatuses, defineRuntimeScripts, encodeCommit, isClusterClient, type KeySpace, type OutboxAck, type PartStatus, type RedisClient, type ScriptPart } from '@cx/redis';
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
  /** How long a published entry waits for a commit call to drop it before it is dropped on its own (default 50 ms). */
  ackLingerMs?: number;
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
  /** Published outbox entries not dropped yet, by shard: the next commit call of their group drops them (acknowledge()). */
  private readonly pendingAcks = new Map<number, string[]>();
  private ackTimer?: NodeJS.Timeout;
  /** Shard → the group its parts commit with: the shard itself on a Cluster, one group on a single node. */
  private readonly groupOf: (shard: number) => number;
  private readonly singleGroup: boolean;

  constructor(
    private readonly redis: RedisClient,
    readonly keys: KeySpace,
    private readonly publisher: Publisher,
    private readonly metrics: PipelineMetrics,
    private readonly options: CommitterOptions,
    private readonly clock: () => number = Date.now,
  ) {
    defineRuntimeScripts(redis); // already done by createRedis; here for clients made otherwise
    this.singleGroup = !isClusterClient(redis);
    this.groupOf = this.singleGroup ? () => 0 : (shard) => shard;
  }

  /**
   * Applies the parts (each all or nothing), publishes the events of the applied ones with
   * `extra` records (dead letters), and returns each part's status in order. Throws on a Redis or
   * Kafka failure: what committed stays in the outbox, and the drainer publishes it.
   */
  async apply(parts: Part[], extra: KafkaOut[] = []): Promise<PartStatus[]> {
    // Changes written ahead (Change.ahead) go in the same call on a single node, where the script
    // is atomic. On a Cluster they live in other slots: applied and awaited first, so that if the
    // unit's own parts then fail, they are applied for the retry already.
    if (!this.singleGroup && parts.some((p) => p.ahead) && parts.some((p) => !p.ahead)) {
      await this.apply(parts.filter((p) => p.ahead));
      const own = parts.filter((p) => !p.ahead);
      const statuses = await this.apply(own, extra);
      let j = 0;
      return parts.map((p) => (p.ahead ? 'applied' : statuses[j++]));
    }
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
      const acks = this.takeAcks(this.groupOf(shard));
      const { keys, args } = encodeCommit({
        outboxKey: this.keys.outbox(shard), outboxDueKey: this.keys.outboxDue(shard),
        now, markTtlMs: this.options.markTtlMs, outboxId: id, leaseUntil: now + this.options.outboxLeaseMs, parts: scriptParts,
        acks: acks.map(([s, ids]) => ({ outboxKey: this.keys.outbox(s), outboxDueKey: this.keys.outboxDue(s), ids })),
      });
      let reply: unknown;
      try {
        reply = await (this.redis as WithCommit).cxCommit(keys.length, ...keys, ...args);
      } catch (e) {
        for (const [s, ids] of acks) this.queueAcks(s, ids); // whether they were dropped is unknown: dropping twice is harmless
        throw e;
      }
      const result = decodeStatuses(reply);
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
   * Drops published entries from the outbox: with the next commit call of their shard's group,
   * which is the next unit in a busy service, so an acknowledgement costs no round trip of its own
   * (a round trip is ~200 µs of client CPU on this machine, and there was one per unit and
   * service); otherwise after `ackLingerMs`, on their own. Either way long before their lease
   * ends, so no drainer publishes them again.
   */
  acknowledge(entries: { shard: number; id: string }[]): void {
    for (const { shard, id } of entries) this.queueAcks(shard, [id]);
  }

  /**
   * Resolves once every acknowledgement (pending ones are sent now) and hand-over has been
   * answered. The runtime awaits it on shutdown before the Redis client closes: an sla-monitor
   * leaving on SIGTERM published its last timer rounds, closed Redis while their acknowledgements
   * were still unanswered, and another instance's drainer published those entries again when their
   * lease ran out 30 s later (63 warning, breach and escalation-request ids twice in a CI run;
   * 35-175 ids per 3-5 scale-ins on the cluster tier).
   */
  async settled(): Promise<void> {
    this.flushAcks();
    while (this.unanswered.size > 0) await Promise.all([...this.unanswered]);
  }

  private queueAcks(shard: number, ids: string[]): void {
    const list = this.pendingAcks.get(shard);
    if (list) list.push(...ids); else this.pendingAcks.set(shard, [...ids]);
    this.ackTimer ??= setTimeout(() => this.flushAcks(), this.options.ackLingerMs ?? 50);
  }

  /** The pending acknowledgements a commit call of this group can carry (its own shard's on a Cluster, all on a single node). */
  private takeAcks(group: number): [number, string[]][] {
    const taken: [number, string[]][] = [];
    for (const [shard, ids] of this.pendingAcks) {
      if (this.groupOf(shard) !== group) continue;
      taken.push([shard, ids]);
      this.pendingAcks.delete(shard);
    }
    return taken;
  }

  /** Sends the pending acknowledgements on their own (nothing committed meanwhile, or shutdown). */
  private flushAcks(): void {
    clearTimeout(this.ackTimer);
    this.ackTimer = undefined;
    for (const [shard, ids] of this.pendingAcks) {
      this.track(Promise.all([this.redis.hdel(this.keys.outbox(shard), ...ids), this.redis.zrem(this.keys.outboxDue(shard), ...ids)])
        .catch((e: Error) => this.log.warn(`outbox acknowledgement failed (the drainer will republish): ${e.message}`)));
    }
    this.pendingAcks.clear();
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
