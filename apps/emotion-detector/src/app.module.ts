import { DynamicModule, Module } from '@nestjs/common';
import { InteractionEvent, Topics } from '@cx/contracts';
import { brokersOf } from '@cx/config';
import { KafkaHealthCheck, KafkaModule } from '@cx/kafka';
import { MetricsModule } from '@cx/metrics';
import { RedisHealthCheck, RedisModule } from '@cx/redis';
import { EmotionController } from './emotion.controller';
import type { EmotionEnv } from './emotion-env';
import { DETECTOR, EmotionPipeline, STATE_TTL_SECONDS } from './emotion.pipeline';
import { placeholderDetector } from './placeholder-detector';

@Module({})
export class EmotionDetectorModule {
  static forRoot(env: EmotionEnv): DynamicModule {
    return {
      module: EmotionDetectorModule,
      imports: [
        MetricsModule.forRoot('emotion-detector', [RedisHealthCheck, KafkaHealthCheck]),
        RedisModule.forRoot({ url: env.REDIS_URL, keyPrefix: env.REDIS_KEY_PREFIX, namespace: 'emo', dedupeTtlSeconds: env.DEDUPE_TTL_SECONDS }),
        KafkaModule.forRoot({
          brokers: brokersOf(env), clientId: `emotion-detector-${env.INSTANCE_ID}`, groupId: env.EMOTION_GROUP_ID,
          topicPrefix: env.TOPIC_PREFIX, partitions: env.TOPIC_PARTITIONS, partitionsConsumedConcurrently: env.KAFKA_PARTITION_CONCURRENCY,
          subscriptions: { [Topics.chat]: InteractionEvent, [Topics.email]: InteractionEvent, [Topics.call]: InteractionEvent },
          produces: [Topics.signals, Topics.escalations],
        }),
      ],
      controllers: [EmotionController],
      providers: [
        EmotionPipeline,
        { provide: DETECTOR, useValue: placeholderDetector },
        { provide: STATE_TTL_SECONDS, useValue: env.EMOTION_STATE_TTL_SECONDS },
      ],
    };
  }
}
