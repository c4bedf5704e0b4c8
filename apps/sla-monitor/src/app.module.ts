import { DynamicModule, Module } from '@nestjs/common';
import { InteractionEvent, Topics } from '@cx/contracts';
import { brokersOf } from '@cx/config';
import { KafkaHealthCheck, KafkaModule } from '@cx/kafka';
import { MetricsModule } from '@cx/metrics';
import { RedisHealthCheck, RedisModule } from '@cx/redis';
import type { SlaEnv } from './sla-env';
import { SlaController } from './sla.controller';

@Module({})
export class SlaMonitorModule {
  static forRoot(env: SlaEnv): DynamicModule {
    return {
      module: SlaMonitorModule,
      imports: [
        MetricsModule.forRoot('sla-monitor', [RedisHealthCheck, KafkaHealthCheck]),
        RedisModule.forRoot({ url: env.REDIS_URL, keyPrefix: env.REDIS_KEY_PREFIX, namespace: 'sla', dedupeTtlSeconds: env.DEDUPE_TTL_SECONDS }),
        KafkaModule.forRoot({
          brokers: brokersOf(env), clientId: `sla-monitor-${env.INSTANCE_ID}`, groupId: env.SLA_GROUP_ID,
          topicPrefix: env.TOPIC_PREFIX, partitions: env.TOPIC_PARTITIONS, partitionsConsumedConcurrently: env.KAFKA_PARTITION_CONCURRENCY,
          subscriptions: { [Topics.chat]: InteractionEvent, [Topics.email]: InteractionEvent, [Topics.call]: InteractionEvent },
          produces: [Topics.sla, Topics.escalations],
        }),
      ],
      controllers: [SlaController],
    };
  }
}
