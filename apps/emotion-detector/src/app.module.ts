import { DynamicModule, Module } from '@nestjs/common';
import { CustomerContributionV1, InteractionEvent, Topics } from '@cx/contracts';
import { KeySpace } from '@cx/redis';
import { serviceRuntime } from '@cx/runtime';
import { EmotionController } from './emotion.controller';
import type { EmotionEnv } from './emotion-env';
import { EmotionKeys } from './emotion-keys';
import { EmotionMetrics } from './emotion-metrics';
import { ContributionsHandler, InteractionsHandler, STATE_TTL_SECONDS } from './emotion.handlers';
import { TenantEmotionConfig } from './tenant-emotion.config';

@Module({})
export class EmotionDetectorModule {
  /** The tenant file and the model are loaded here, so a bad file stops start-up naming it. */
  static forRoot(env: EmotionEnv): DynamicModule {
    const tenants = TenantEmotionConfig.load(env.EMOTION_TENANTS_FILE);
    return {
      module: EmotionDetectorModule,
      imports: [
        ...serviceRuntime(env, {
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
        InteractionsHandler,
        ContributionsHandler,
        EmotionMetrics,
        { provide: EmotionKeys, useFactory: (k: KeySpace) => new EmotionKeys(k), inject: [KeySpace] },
        { provide: TenantEmotionConfig, useValue: tenants },
        { provide: STATE_TTL_SECONDS, useValue: env.EMOTION_STATE_TTL_SECONDS },
      ],
    };
  }
}
