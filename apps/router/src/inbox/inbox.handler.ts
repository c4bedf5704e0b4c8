/*
 * The escalation inbox as a runtime handler: merges requests into at most one open escalation per
 * conversation (mergeRequest), adds the customer's history to its context, routes a new
 * escalation (ladderNext, step 0) and starts its ladder timer. Time is the request's event time
 * and ids are deterministic, so a replay computes the same escalation and the same event ids.
 * Each conversation's change is guarded by the escalation it was planned from (the ladder and the
 * API change escalations too). The customer's history (another shard) is written ahead of it: an
 * idempotent change (fields per conversation), applied again if the unit is retried.
 */
import { Inject, Injectable } from '@nestjs/common';
import { EscalationEvent, EscalationRequestedV1, traceOf, type EscalationRequested } from '@cx/contracts';
import { applyHistory, durationMs, ladderNext, mergeRequest, recordRequest, toIso, withHistory, type CustomerHistory } from '@cx/routing';
import { isolate, type Change, type Cmd, type InboundItem, type OutEvent, type Plan, type Rejection, type UnitHandler } from '@cx/runtime';
import { TenantRoutingConfig } from '../config/routing-config.provider';
import { routingEffects } from '../delivery/routing-effects';
import { WebhookQueue } from '../delivery/webhook-queue';
import { AgentDirectory, type LoadScope } from '../store/agent-directory';
import { ChangeFeed } from '../store/change-feed';
import { CustomerHistoryStore } from '../store/customer-history.store';
import { ConversationChange } from '../store/escalation-change';
import { lifecycleEvent } from '../store/escalation-events';
import { EscalationStore, loadChanges, type Read, type StoredEscalation } from '../store/escalation.store';
import { RouterMetrics } from '../router-metrics';

export const ROUTER_STATE_TTL = Symbol('ROUTER_STATE_TTL');

interface Loaded {
  reads: Map<string, Read>;
  histories: Map<string, CustomerHistory>;
}

const REQUESTED = EscalationRequestedV1.shape.type.value;
const isRequest = (e: EscalationEvent): e is EscalationRequested => e.type === REQUESTED;
/** The router's own lifecycle events, which it writes to cx.escalations too: half of what it reads there. */
const OWN_EVENTS: ReadonlySet<string> = new Set(EscalationEvent.options.map((o) => o.shape.type.value).filter((t) => t !== REQUESTED));

@Injectable()
export class InboxHandler implements UnitHandler<EscalationEvent, Loaded> {
  readonly ignores = OWN_EVENTS;

  constructor(
    private readonly store: EscalationStore,
    private readonly directory: AgentDirectory,
    private readonly histories: CustomerHistoryStore,
    private readonly queue: WebhookQueue,
    private readonly config: TenantRoutingConfig,
    private readonly feed: ChangeFeed,
    private readonly metrics: RouterMetrics,
    @Inject(ROUTER_STATE_TTL) private readonly ttl: number,
  ) {}

  route(e: EscalationEvent) {
    return this.store.route(e.tenantid, e.data.conversationId);
  }

  private customerOf(ev: EscalationRequested, existing?: StoredEscalation): string | undefined {
    return ev.data.customer.id ?? ev.data.context?.customerId ?? existing?.context.customerId;
  }

  /** The escalations, the named customers' histories and the routing views, in one round trip (a second for customers only the escalation names). */
  async prepare(events: EscalationEvent[]): Promise<Loaded> {
    const requests = events.filter(isRequest);
    const customers = (existing: (ev: EscalationRequested) => StoredEscalation | undefined) => requests.flatMap((ev) => {
      const customerId = this.customerOf(ev, existing(ev));
      return customerId ? [{ tenant: ev.tenantid, customerId }] : [];
    });
    const [reads, histories] = await Promise.all([
      this.store.read(requests.map((ev) => ({ tenant: ev.tenantid, conversationId: ev.data.conversationId }))),
      this.histories.read(customers(() => undefined)),
      Promise.all([...new Set(requests.map((ev) => ev.tenantid))].map((t) => this.directory.withLoad(t))),
    ]);
    const more = customers((ev) => reads.get(this.route(ev).key)?.escalation).filter((c) => !histories.has(this.histories.route(c).key));
    if (more.length) for (const [k, h] of await this.histories.read(more)) histories.set(k, h);
    return { reads, histories };
  }

  plan(items: InboundItem<EscalationEvent>[], loaded: Loaded, now: number): Plan<EscalationEvent> {
    const dropped: Rejection<EscalationEvent>[] = [];
    const requests = items.filter((item) => {
      if (isRequest(item.event)) return true;
      dropped.push({ item, reason: 'lifecycle event of the router itself' });
      return false;
    });
    const convs = new Map<string, ConversationChange>();
    const history = new Map(loaded.histories);
    const historyTtl = new Map<string, { tenant: string; customerId: string; ttlMs: number }>();
    const scopes = new Map<string, LoadScope>();
    const scope = (t: string) => {
      let s = scopes.get(t);
      if (!s) scopes.set(t, (s = this.directory.scope(t)));
      return s;
    };
    try {
      const { deadLetters } = isolate(requests, ({ event }) => {
        const ev = event as EscalationRequested;
        const tenant = ev.tenantid;
        const cfg = this.config.forTenant(tenant);
        const route = this.route(ev);
        let conv = convs.get(route.key);
        if (!conv) convs.set(route.key, (conv = new ConversationChange(loaded.reads.get(route.key) ?? { raw: null }, this.store, this.feed)));
        const existing = conv.escalation;
        let request = ev;
        const customerId = this.customerOf(ev, existing);
        const events: OutEvent[] = [];
        if (customerId) {
          const hk = this.histories.route({ tenant, customerId }).key;
          const h = applyHistory(history.get(hk) ?? {}, recordRequest(history.get(hk) ?? {}, ev, cfg, ev.time));
          history.set(hk, h);
          historyTtl.set(hk, { tenant, customerId, ttlMs: durationMs(cfg.context.historyTtl) });
          request = withHistory(ev, h, cfg);
        }
        const m = mergeRequest(existing, request, cfg, ev.time);
        if (m.escalation === existing) return;
        let e: StoredEscalation = { ...m.escalation, tenantId: tenant, trace: traceOf(ev), ...(existing?.ladderAt ? { ladderAt: existing.ladderAt } : {}) };
        const requestedAt = Date.parse(ev.time);
        const team = this.directory.current(tenant);
        if (m.change === 'raised') {
          const l = ladderNext(e, team, cfg, ev.time);
          e = { ...l.escalation, tenantId: tenant, trace: e.trace, ladderAt: toIso(ev.time) };
          scope(tenant).add(loadChanges(existing, e));
          const fx = routingEffects(this.queue, e, l.notifications, now);
          // The denominator of the supervisor-reported false-alarm rate (cx_router_feedback_total).
          const flagged = e.reasons.some((r) => r.code === 'negative_emotion' || r.code === 'negative_streak');
          conv.step({
            after: e, change: 'raised', events: [...events, lifecycleEvent('raised', e), ...fx.events], commands: fx.commands,
            timer: l.nextCheckAt ? Date.parse(l.nextCheckAt) : null, requestedAt,
            counts: flagged ? [{ metric: 'cx_router_emotion_flagged_escalations_total', labels: { tenant: this.metrics.tenant(tenant) } }] : [],
          });
          return;
        }
        let change: 'merged' | 'rerouted' = 'merged';
        let timer: number | null | undefined;
        let fx: { events: OutEvent[]; commands: Cmd[] } = { events: [], commands: [] };
        if (m.severityRaised && e.status === 'open') {
          // A higher severity has a shorter timeout, and a critical one belongs with a supervisor now.
          const l = ladderNext(e, team, cfg, ev.time, { stepStartedAt: e.ladderAt ?? e.createdAt });
          if (l.stepped) {
            e = { ...l.escalation, tenantId: tenant, trace: e.trace, ladderAt: toIso(ev.time) };
            change = 'rerouted';
            scope(tenant).add(loadChanges(existing, e));
            fx = routingEffects(this.queue, e, l.notifications, now);
          }
          timer = l.nextCheckAt ? Date.parse(l.nextCheckAt) : null;
        }
        conv.step({ after: e, change, events: [...events, lifecycleEvent(change, e, ev.id), ...fx.events], commands: fx.commands, timer, requestedAt });
      });
      const changes = [...[...convs.values()].flatMap((c) => c.toChange(this.ttl) ?? []), ...this.historyChanges(loaded.histories, history, historyTtl)];
      return { changes, deadLetters, dropped };
    } finally {
      for (const s of scopes.values()) s.undo();
    }
  }

  /** What the unit changed in customers' histories, as idempotent changes written ahead of the escalations. */
  private historyChanges(before: Map<string, CustomerHistory>, after: Map<string, CustomerHistory>,
    refs: Map<string, { tenant: string; customerId: string; ttlMs: number }>): Change[] {
    return [...refs].map(([key, { tenant, customerId, ttlMs }]) => {
      const was = before.get(key) ?? {};
      const now = after.get(key) ?? {};
      const set: Record<string, string> = {};
      for (const [f, v] of Object.entries(now)) if (was[f] !== v) set[f] = v;
      const del = Object.keys(was).filter((f) => !(f in now));
      const route = this.histories.route({ tenant, customerId });
      return { shard: route.shard, entity: route.entity, ahead: true, commands: this.histories.writeCommands(key, { set, del }, ttlMs) };
    });
  }
}
