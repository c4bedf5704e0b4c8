import { Inject, Injectable } from '@nestjs/common';
import type { CustomerContribution, InteractionEvent } from '@cx/contracts';
import type { CustomerRiskState } from '@cx/emotion';
import { customerRiskTtlSeconds } from '@cx/emotion';
import { processKeyed, type BatchResult, type InboundBatch } from '@cx/kafka';
import { REDIS_OPTIONS, type RedisOptions, type StateStore } from '@cx/redis';
import { customerRiskStep } from './customer-risk-step';
import { EmotionMetrics } from './emotion-metrics';
import { emotionStep, type ConversationState } from './emotion-step';
import { TenantEmotionConfig } from './tenant-emotion.config';

export const CONVERSATION_STORE = Symbol('CONVERSATION_STORE');
export const CUSTOMER_STORE = Symbol('CUSTOMER_STORE');
export const STATE_TTL_SECONDS = Symbol('STATE_TTL_SECONDS');

/** Conversation-level batches (keyed like the input partitions) and customer-level batches (the internal topic). */
@Injectable()
export class EmotionPipeline {
  constructor(
    @Inject(CONVERSATION_STORE) private readonly conversations: StateStore<ConversationState>,
    @Inject(CUSTOMER_STORE) private readonly customers: StateStore<CustomerRiskState>,
    @Inject(REDIS_OPTIONS) private readonly redis: RedisOptions,
    @Inject(STATE_TTL_SECONDS) private readonly ttl: number,
    private readonly tenants: TenantEmotionConfig,
    private readonly metrics: EmotionMetrics,
  ) {}

  interactions(batch: InboundBatch<InteractionEvent>): Promise<BatchResult<InteractionEvent>> {
    return processKeyed(batch, this.conversations, {
      key: ({ event }) => `${this.redis.keyPrefix}cx:emo:conv:{${event.tenantid}:${event.subject}}`,
      step: (prev, { event }) => {
        const r = emotionStep(prev, event, this.tenants.forTenant(event.tenantid));
        if (r.analysed) this.metrics.record(r.analysed);
        return r;
      },
      ttlSeconds: () => this.ttl,
    });
  }

  contributions(batch: InboundBatch<CustomerContribution>): Promise<BatchResult<CustomerContribution>> {
    return processKeyed(batch, this.customers, {
      key: ({ event }) => `${this.redis.keyPrefix}cx:emo:cust:{${event.tenantid}:${event.data.customerId}}`,
      step: (prev, { event }) => customerRiskStep(prev, event, this.tenants.forTenant(event.tenantid)),
      ttlSeconds: (s) => customerRiskTtlSeconds(s),
    });
  }
}
