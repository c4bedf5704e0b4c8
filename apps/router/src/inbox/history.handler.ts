/*
 * Customer histories (principle 6: the next agent must not make the customer retell the story):
 * the inbox re-keys every request by customer id onto an internal topic, and this handler records
 * it in the customer's history hash, in the customer's own shard, once (its marks live there).
 */
import { Injectable } from '@nestjs/common';
import type { CustomerInteraction, EscalationRequested } from '@cx/contracts';
import { applyHistory, durationMs, recordRequest, type CustomerHistory } from '@cx/routing';
import { isolate, type Change, type InboundItem, type Plan, type UnitHandler } from '@cx/runtime';
import { TenantRoutingConfig } from '../config/routing-config.provider';
import { CustomerHistoryStore } from '../store/customer-history.store';

type Loaded = Map<string, CustomerHistory>;

@Injectable()
export class HistoryHandler implements UnitHandler<CustomerInteraction, Loaded> {
  constructor(private readonly histories: CustomerHistoryStore, private readonly config: TenantRoutingConfig) {}

  route(e: CustomerInteraction) {
    return this.histories.route({ tenant: e.tenantid, customerId: e.data.customerId });
  }

  prepare(events: CustomerInteraction[]): Promise<Loaded> {
    return this.histories.read(events.map((e) => ({ tenant: e.tenantid, customerId: e.data.customerId })));
  }

  plan(items: InboundItem<CustomerInteraction>[], loaded: Loaded): Plan<CustomerInteraction> {
    const after = new Map<string, { route: ReturnType<HistoryHandler['route']>; history: CustomerHistory; ttlMs: number }>();
    const { deadLetters } = isolate(items, ({ event }) => {
      const route = this.route(event);
      const cfg = this.config.forTenant(event.tenantid);
      const current = after.get(route.key)?.history ?? loaded.get(route.key) ?? {};
      const request = { ...event, type: 'cx.escalation.requested.v1', data: event.data.request } as unknown as EscalationRequested;
      after.set(route.key, { route, history: applyHistory(current, recordRequest(current, request, cfg, event.time)), ttlMs: durationMs(cfg.context.historyTtl) });
    });
    const changes: Change[] = [...after.values()].map(({ route, history, ttlMs }) => {
      const before = loaded.get(route.key) ?? {};
      const set: Record<string, string> = {};
      for (const [f, v] of Object.entries(history)) if (before[f] !== v) set[f] = v;
      const del = Object.keys(before).filter((f) => !(f in history));
      return { shard: route.shard, entity: route.entity, commands: this.histories.writeCommands(route.key, { set, del }, ttlMs) };
    });
    return { changes, deadLetters };
  }
}
