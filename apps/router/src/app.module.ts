import { DynamicModule, Module } from '@nestjs/common';
import { EscalationEvent, Topics } from '@cx/contracts';
import { brokersOf } from '@cx/config';
import { KafkaHealthCheck, KafkaModule } from '@cx/kafka';
import { MetricsModule } from '@cx/metrics';
import { RedisHealthCheck, RedisModule } from '@cx/redis';
import { ApiKeyRegistry } from './api-keys';
import { AuthGuard } from './auth.guard';
import { DashboardController } from './dashboard.controller';
import { EscalationStore } from './escalation.store';
import { EscalationsController } from './escalations.controller';
import { InboxController } from './inbox.controller';
import { InboxPipeline, ROUTER_STATE_TTL } from './inbox.pipeline';
import type { RouterEnv } from './router-env';
import { TenantRoutingConfig } from './routing-config.provider';
import { SseHub } from './sse.hub';

@Module({})
export class RouterModule {
  /** Keys and routing config are read here, so a bad file stops start-up naming it. */
  static forRoot(env: RouterEnv): DynamicModule {
    const keys = ApiKeyRegistry.fromFile(env.ROUTER_API_KEYS_FILE);
    const routing = TenantRoutingConfig.load(env.ROUTER_CONFIG_FILE);
    return {
      module: RouterModule,
      imports: [
        MetricsModule.forRoot('router', [RedisHealthCheck, KafkaHealthCheck]),
        RedisModule.forRoot({ url: env.REDIS_URL, keyPrefix: env.REDIS_KEY_PREFIX, namespace: 'rt', dedupeTtlSeconds: env.DEDUPE_TTL_SECONDS }),
        KafkaModule.forRoot({
          brokers: brokersOf(env), clientId: `router-${env.INSTANCE_ID}`, groupId: env.ROUTER_GROUP_ID,
          topicPrefix: env.TOPIC_PREFIX, partitions: env.TOPIC_PARTITIONS, partitionsConsumedConcurrently: env.KAFKA_PARTITION_CONCURRENCY,
          subscriptions: { [Topics.escalations]: EscalationEvent },
          produces: [Topics.notifications, Topics.agents],
        }),
      ],
      controllers: [InboxController, EscalationsController, DashboardController],
      providers: [
        InboxPipeline, EscalationStore, SseHub, AuthGuard,
        { provide: ApiKeyRegistry, useValue: keys },
        { provide: TenantRoutingConfig, useValue: routing },
        { provide: ROUTER_STATE_TTL, useValue: env.ROUTER_STATE_TTL_SECONDS },
      ],
    };
  }
}
