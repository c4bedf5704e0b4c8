import { DynamicModule, Module } from '@nestjs/common';
import { InteractionEvent, Topics } from '@cx/contracts';
import { serviceInfra } from '@cx/kafka';
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
        ...serviceInfra(env, {
          service: 'emotion-detector', namespace: 'emo', groupId: env.EMOTION_GROUP_ID,
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
