import { DynamicModule, Module } from '@nestjs/common';
import type Redis from 'ioredis';
import { CustomerContributionV1, InteractionEvent, Topics } from '@cx/contracts';
import { serviceInfra } from '@cx/kafka';
import { REDIS, RedisJsonStore } from '@cx/redis';
import { EmotionController } from './emotion.controller';
import type { EmotionEnv } from './emotion-env';
import { EmotionMetrics } from './emotion-metrics';
import { CONVERSATION_STORE, CUSTOMER_STORE, EmotionPipeline, STATE_TTL_SECONDS } from './emotion.pipeline';
import { TenantEmotionConfig } from './tenant-emotion.config';

@Module({})
export class EmotionDetectorModule {
  /** The tenant file and the model are loaded here, so a bad file stops start-up naming it. */
  static forRoot(env: EmotionEnv): DynamicModule {
    const tenants = TenantEmotionConfig.load(env.EMOTION_TENANTS_FILE);
    return {
      module: EmotionDetectorModule,
      imports: [
        ...serviceInfra(env, {
          service: 'emotion-detector', namespace: 'emo', groupId: env.EMOTION_GROUP_ID,
          subscriptions: {
            [Topics.chat]: InteractionEvent, [Topics.email]: InteractionEvent, [Topics.call]: InteractionEvent,
            [Topics.customerContributions]: CustomerContributionV1,
          },
          produces: [Topics.signals, Topics.escalations, Topics.customerContributions],
        }),
      ],
      controllers: [EmotionController],
      providers: [
        EmotionPipeline,
        EmotionMetrics,
        { provide: TenantEmotionConfig, useValue: tenants },
        { provide: CONVERSATION_STORE, useFactory: (r: Redis) => new RedisJsonStore(r), inject: [REDIS] },
        { provide: CUSTOMER_STORE, useFactory: (r: Redis) => new RedisJsonStore(r), inject: [REDIS] },
        { provide: STATE_TTL_SECONDS, useValue: env.EMOTION_STATE_TTL_SECONDS },
      ],
    };
  }
}
