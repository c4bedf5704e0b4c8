/*
 * The emotion-detector's two consumers, as runtime handlers: conversation-level units (keyed like
 * the input partitions) and customer-level units (the internal topic, keyed by customer, so one
 * instance owns each customer's decaying score). Each reads its states once per unit and applies
 * the pure step (emotion-step.ts, customer-risk-step.ts) per event.
 */
import { Inject, Injectable } from '@nestjs/common';
import type { CustomerContribution, InteractionEvent } from '@cx/contracts';
import { customerRiskTtlSeconds, type CustomerRiskState } from '@cx/emotion';
import { REDIS, type RedisClient } from '@cx/redis';
import { planKeyed, readStates, type InboundItem, type Plan, type UnitHandler } from '@cx/runtime';
import { customerRiskStep } from './customer-risk-step';
import { EmotionKeys } from './emotion-keys';
import { analysisCounts } from './emotion-metrics';
import { emotionStep, type ConversationState } from './emotion-step';
import { TenantEmotionConfig } from './tenant-emotion.config';

export const STATE_TTL_SECONDS = Symbol('STATE_TTL_SECONDS');

type Loaded = Map<string, string | null>;

@Injectable()
export class InteractionsHandler implements UnitHandler<InteractionEvent, Loaded> {
  constructor(
    @Inject(REDIS) private readonly redis: RedisClient,
    private readonly keys: EmotionKeys,
    private readonly tenants: TenantEmotionConfig,
    @Inject(STATE_TTL_SECONDS) private readonly ttl: number,
  ) {}

  route(e: InteractionEvent) {
    return this.keys.conversation(e.tenantid, e.subject);
  }

  prepare(events: InteractionEvent[]): Promise<Loaded> {
    return readStates(this.redis, events, (e) => this.route(e));
  }

  plan(items: InboundItem<InteractionEvent>[], loaded: Loaded): Plan<InteractionEvent> {
    return planKeyed<InteractionEvent, ConversationState>(items, loaded, {
      route: (e) => this.route(e),
      step: (prev, { event }) => {
        const r = emotionStep(prev, event, this.tenants.forTenant(event.tenantid));
        return { ...r, counts: r.analysed ? analysisCounts(r.analysed) : undefined };
      },
      ttlSeconds: () => this.ttl,
    });
  }
}

@Injectable()
export class ContributionsHandler implements UnitHandler<CustomerContribution, Loaded> {
  constructor(
    @Inject(REDIS) private readonly redis: RedisClient,
    private readonly keys: EmotionKeys,
    private readonly tenants: TenantEmotionConfig,
  ) {}

  route(e: CustomerContribution) {
    return this.keys.customer(e.tenantid, e.data.customerId);
  }

  prepare(events: CustomerContribution[]): Promise<Loaded> {
    return readStates(this.redis, events, (e) => this.route(e));
  }

  plan(items: InboundItem<CustomerContribution>[], loaded: Loaded): Plan<CustomerContribution> {
    return planKeyed<CustomerContribution, CustomerRiskState>(items, loaded, {
      route: (e) => this.route(e),
      step: (prev, { event }) => customerRiskStep(prev, event, this.tenants.forTenant(event.tenantid)),
      ttlSeconds: (s) => customerRiskTtlSeconds(s),
    });
  }
}
