import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { REDIS } from '@cx/redis';
import type { EscalationEvent, EscalationRequested } from '@cx/contracts';
import { isolate, type BatchResult, type InboundBatch, type OutEvent, type Rejection } from '@cx/kafka';
import {
  applyHistory, durationMs, ladderNext, mergeRequest, recordRequest, toIso, withHistory, type CustomerHistory,
} from '@cx/routing';
import { AgentDirectory, type LoadReservation } from '../store/agent-directory';
import { CustomerHistoryStore } from '../store/customer-history.store';
import { EscalationStore, loadChanges, type StoredEscalation } from '../store/escalation.store';
import { lifecycleEvent } from '../store/escalation-events';
import { EscalationWriter } from '../store/escalation-writer';
import { RoutingEffects } from '../delivery/routing-effects';
import { TenantRoutingConfig } from '../config/routing-config.provider';
import type { FanoutMessage } from '../live/sse.hub';
import { WebhookQueue } from '../delivery/webhook-queue';

export const ROUTER_STATE_TTL = Symbol('ROUTER_STATE_TTL');

type Item = InboundBatch<EscalationEvent>['items'][number];

/**
 * The escalation inbox: merges requests into at most one open escalation per conversation
 * (mergeRequest), adds the customer's history to its context, routes a new escalation (pickTarget
 * through ladderNext, step 0) and starts its ladder timer. Time is the request's event time and
 * ids are deterministic, so a replay computes the same escalation and the same event ids. All of
 * a batch commits in one WATCHed transaction with its outbox (see EscalationWriter).
 */
@Injectable()
export class InboxPipeline {
  constructor(
    private readonly store: EscalationStore,
    private readonly writer: EscalationWriter,
    private readonly directory: AgentDirectory,
    private readonly histories: CustomerHistoryStore,
    private readonly queue: WebhookQueue,
    private readonly config: TenantRoutingConfig,
    @Inject(ROUTER_STATE_TTL) private readonly ttl: number,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  async process(batch: InboundBatch<EscalationEvent>): Promise<BatchResult<EscalationEvent>> {
    const dropped: Rejection<EscalationEvent>[] = [];
    const requests = batch.items.filter((item) => {
      if (item.event.type === 'cx.escalation.requested.v1') return true;
      dropped.push({ item, reason: 'lifecycle event of the router itself' });
      return false;
    });
    if (requests.length === 0) return { outputs: [], dropped };
    const refs = requests.map((i) => ({ tenant: i.event.tenantid, conversationId: (i.event as EscalationRequested).data.conversationId }));
    const watch = [...new Set(refs.map((r) => this.store.convKey(r.tenant, r.conversationId)))];
    let deadLetters: Rejection<EscalationEvent>[] = [];
    await this.writer.commit('inbox', watch, async () => {
      const plan = await this.plan(requests);
      deadLetters = plan.deadLetters;
      return plan;
    }, { background: true });
    return { outputs: [], deadLetters, dropped };
  }

  private async plan(requests: Item[]) {
    const refs = requests.map((i) => ({ tenant: i.event.tenantid, conversationId: (i.event as EscalationRequested).data.conversationId }));
    const tenants = [...new Set(refs.map((r) => r.tenant))];
    const customerOf = (ev: EscalationRequested, existing?: StoredEscalation) =>
      ev.data.customer.id ?? ev.data.context?.customerId ?? existing?.context.customerId;
    const customersOf = (existing: (ev: EscalationRequested) => StoredEscalation | undefined) => requests.flatMap((i) => {
      const ev = i.event as EscalationRequested;
      const id = customerOf(ev, existing(ev));
      return id ? [{ tenant: ev.tenantid, customerId: id }] : [];
    });
    // The escalations and the histories of the customers the requests name, in one round trip,
    // beside the routing view (usually in memory already, see AgentDirectory).
    const p = this.redis.pipeline();
    const escalations = this.store.queueByConversations(p, refs);
    const histories = this.histories.queueRead(p, customersOf(() => undefined));
    const [replies] = await Promise.all([
      escalations.count + histories.count ? p.exec() : [],
      Promise.all(tenants.map((t) => this.directory.withLoad(t))),
    ]);
    const original = escalations.decode(replies ?? []);
    const historyBefore = histories.decode((replies ?? []).slice(escalations.count));
    const current = new Map(original);
    // A request that names no customer: the one of its escalation (a second read, rarely needed).
    const more = customersOf((ev) => current.get(this.store.convKey(ev.tenantid, ev.data.conversationId)))
      .filter((c) => !historyBefore.has(this.histories.key(c)));
    if (more.length) for (const [k, h] of await this.histories.read(more)) historyBefore.set(k, h);
    // From here on synchronous: the tenants' current routing views, and this plan's load changes
    // applied to them at once (so concurrent batches spread out too), taken back if it does not commit.
    const agents = new Map(tenants.map((t) => [t, this.directory.current(t)]));
    const reservations = new Map<string, LoadReservation>();
    const reserve = (tenant: string, before: StoredEscalation | undefined, after: StoredEscalation) => {
      const changes = loadChanges(before, after);
      if (changes.size === 0) return;
      let r = reservations.get(tenant);
      if (!r) reservations.set(tenant, (r = this.directory.reserve(tenant)));
      r.addAll(changes);
    };
    const history = new Map(historyBefore);
    const historyTtl = new Map<string, number>();

    const touched = new Map<string, StoredEscalation>();
    const timers = new Map<string, number | null>();
    const changes: FanoutMessage[] = [];
    const events: OutEvent[] = [];
    const effects = new RoutingEffects(this.queue);

    const { deadLetters } = isolate(requests, ({ event }) => {
      const ev = event as EscalationRequested;
      const tenant = ev.tenantid;
      const cfg = this.config.forTenant(tenant);
      const key = this.store.convKey(tenant, ev.data.conversationId);
      const existing = current.get(key);
      let request = ev;
      const customerId = customerOf(ev, existing);
      if (customerId) {
        const hk = this.histories.key({ tenant, customerId });
        const h = applyHistory(history.get(hk) ?? {}, recordRequest(history.get(hk) ?? {}, ev, cfg, ev.time));
        history.set(hk, h);
        historyTtl.set(hk, durationMs(cfg.context.historyTtl));
        request = withHistory(ev, h, cfg);
      }
      const m = mergeRequest(existing, request, cfg, ev.time);
      if (m.escalation === existing) return;
      let e: StoredEscalation = { ...m.escalation, tenantId: tenant };
      const requestedAt = Date.parse(ev.time);
      const team = agents.get(tenant)!;
      if (m.change === 'raised') {
        const l = ladderNext(e, team, cfg, ev.time);
        e = { ...l.escalation, tenantId: tenant, ladderAt: toIso(ev.time) };
        reserve(tenant, existing, e);
        timers.set(key, l.nextCheckAt ? Date.parse(l.nextCheckAt) : null);
        effects.add(e, l.notifications);
        changes.push({ change: 'raised', escalation: e, requestedAt });
        events.push(lifecycleEvent('raised', e));
      } else if (m.change === 'updated') {
        let change: 'merged' | 'rerouted' = 'merged';
        let previousAssignee: StoredEscalation['assignee'];
        if (m.severityRaised && e.status === 'open') {
          // A higher severity has a shorter timeout, and a critical one belongs with a supervisor now.
          const l = ladderNext(e, team, cfg, ev.time, { stepStartedAt: e.ladderAt ?? e.createdAt });
          if (l.stepped) {
            previousAssignee = e.assignee;
            e = { ...l.escalation, tenantId: tenant, ladderAt: toIso(ev.time) };
            change = 'rerouted';
            reserve(tenant, existing, e);
            effects.add(e, l.notifications);
          }
          timers.set(key, l.nextCheckAt ? Date.parse(l.nextCheckAt) : null);
        }
        changes.push({ change, escalation: e, previousAssignee, requestedAt });
        events.push(lifecycleEvent(change, e));
      }
      current.set(key, e);
      touched.set(key, e);
    });

    return {
      deadLetters,
      events: [...events, ...effects.events],
      changes,
      result: undefined,
      committed: () => { for (const r of reservations.values()) r.commit(); },
      abandoned: () => { for (const r of reservations.values()) r.cancel(); },
      apply: (multi: Parameters<RoutingEffects['apply']>[0]) => {
        for (const [key, e] of touched) this.store.save(multi, e, original.get(key), this.ttl);
        for (const [key, at] of timers) this.store.schedule(multi, touched.get(key)!, at);
        for (const [hk, h] of history) {
          const diff = historyDiff(historyBefore.get(hk) ?? {}, h);
          if (diff.del.length || Object.keys(diff.set).length) this.histories.write(multi, hk, diff, historyTtl.get(hk)!);
        }
        effects.apply(multi);
      },
    };
  }
}

function historyDiff(before: CustomerHistory, after: CustomerHistory) {
  const set: Record<string, string> = {};
  for (const [f, v] of Object.entries(after)) if (before[f] !== v) set[f] = v;
  return { set, del: Object.keys(before).filter((f) => !(f in after)) };
}
