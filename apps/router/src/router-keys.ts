/*
 * Every Redis key of the router (KeySpace layout, libs/redis/src/key-space.ts). A conversation's
 * escalation, its indexes (id → conversation, the tenant's open set, agents' assignment sets and
 * load counts), its ladder timer and its webhook jobs share the shard of the conversation, so one
 * commit script changes them together. The shard comes from the hash inside escalation ids, so
 * an id alone says where its escalation lives. Per-shard indexes are read across shards where a
 * tenant-wide view is needed (listing, loads).
 */
import { Inject, Injectable } from '@nestjs/common';
import { KeySpace } from '@cx/redis';
import { escalationHash, escalationHashOf } from '@cx/routing';
import { SLA_KEY_NAMESPACE, attainmentKeyName } from '@cx/sla';
import type { KeyedRoute } from '@cx/runtime';

@Injectable()
export class RouterKeys {
  /** The sla-monitor's keys (same prefix and shard count), read for the console's SLA attainment. */
  private readonly sla: KeySpace;

  constructor(@Inject(KeySpace) readonly space: KeySpace) {
    this.sla = new KeySpace(space.prefix, SLA_KEY_NAMESPACE, space.shards);
  }

  /** The sla-monitor's attainment buckets of a tenant's UTC day, one hash per shard. */
  slaAttainment(tenant: string, day: string): string[] {
    return this.sla.allShards().map((s) => this.sla.key(s, attainmentKeyName(tenant, day)));
  }

  conversationShard(tenant: string, conversationId: string): number {
    return this.space.shardOfKey(escalationHash(tenant, conversationId));
  }

  /** The shard of an escalation id, or undefined for an id that is not one of ours. */
  escalationShard(escalationId: string): number | undefined {
    const h = escalationHashOf(escalationId);
    return h === undefined ? undefined : this.space.shardOfKey(h);
  }

  /** The current escalation of a conversation (JSON). */
  conversation(tenant: string, conversationId: string): KeyedRoute {
    const shard = this.conversationShard(tenant, conversationId);
    const entity = `conv:${tenant}:${conversationId}`;
    return { shard, entity, key: this.space.key(shard, entity) };
  }

  /** escalationId → conversationId. */
  ids(shard: number, tenant: string): string { return this.space.key(shard, `ids:${tenant}`); }
  /** Conversations with an unresolved escalation, scored by its creation time. */
  open(shard: number, tenant: string): string { return this.space.key(shard, `open:${tenant}`); }
  /** Escalation ids assigned to one agent or supervisor. */
  assigned(shard: number, tenant: string, agentId: string): string { return this.space.key(shard, `asg:${tenant}:${agentId}`); }
  /** agentId → escalations in its assignment sets of this shard (an agent's load is the sum over shards). */
  load(shard: number, tenant: string): string { return this.space.key(shard, `load:${tenant}`); }
  /** Ladder timers: member `[tenant, conversationId]`, score = when to check (epoch ms). */
  ladder(shard: number): string { return this.space.key(shard, 'ladder'); }
  /** Webhook jobs: ids by next attempt, each job beside them (a key of its own), and the dead-lettered ones. */
  webhookDue(shard: number): string { return this.space.key(shard, 'wh:due'); }
  webhookJob(shard: number, jobId: string): string { return this.space.key(shard, `wh:job:${jobId}`); }
  webhookDead(shard: number): string { return this.space.key(shard, 'wh:dead'); }

  /** The agent directory of a tenant (one hash; agentId → agent JSON with the time of the update). */
  agents(tenant: string): KeyedRoute {
    const shard = this.space.shardOf(tenant, '#agents');
    const entity = `agents:${tenant}`;
    return { shard, entity, key: this.space.key(shard, entity) };
  }

  /** A customer's recent interactions, flags and promises (see @cx/routing customer-history). */
  customer(tenant: string, customerId: string): KeyedRoute {
    const shard = this.space.shardOf(tenant, `cust:${customerId}`);
    const entity = `cust:${tenant}:${customerId}`;
    return { shard, entity, key: this.space.key(shard, entity) };
  }

  /** Resolved escalations (the console's history), in the escalation's shard: a record and indexes by resolve time. */
  historyRecord(shard: number, tenant: string, escalationId: string): string { return this.space.key(shard, `hist:${tenant}:e:${escalationId}`); }
  historyAll(shard: number, tenant: string): string { return this.space.key(shard, `hist:${tenant}:all`); }
  historyTeam(shard: number, tenant: string, team: string): string { return this.space.key(shard, `hist:${tenant}:team:${team}`); }
  historyPerson(shard: number, tenant: string, id: string): string { return this.space.key(shard, `hist:${tenant}:who:${id}`); }

  /**
   * A tenant's feedback labels for retraining (FeedbackLabel JSON, newest first): read by
   * `train:emotion --feedback`, which builds its keys with this class too.
   */
  feedbackLabels(tenant: string): KeyedRoute {
    const shard = this.space.shardOf(tenant, '#feedback');
    const entity = `fb:${tenant}`;
    return { shard, entity, key: this.space.key(shard, `fb:${tenant}:labels`) };
  }
  /** Set once per label (its id): a label is kept once however often its commit is retried. */
  feedbackSeen(tenant: string, labelId: string): string { return this.space.key(this.feedbackLabels(tenant).shard, `fb:${tenant}:seen:${labelId}`); }

  /** A single-use stream ticket, by the SHA-256 of the ticket (a key of its own). */
  streamTicket(digest: string): string { return `${this.space.base}ticket:${digest}`; }

  /** Pub/sub channel of the change feed (escalation changes, to every instance). */
  get changeChannel(): string { return this.space.single('changes'); }
}
