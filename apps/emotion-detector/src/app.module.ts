import { DynamicModule, Inject, Injectable, Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { resolve } from 'node:path';
import { Counter } from 'prom-client';
import { PipelineMetrics } from '@cx/metrics';
import { CustomerContributionV1, InteractionEvent, Topics } from '@cx/contracts';
import { KeySpace } from '@cx/redis';
import { serviceRuntime } from '@cx/runtime';
import { EmotionController } from './emotion.controller';
import type { EmotionEnv } from './emotion-env';
import { EmotionKeys } from './emotion-keys';
import { EmotionMetrics } from './emotion-metrics';
import { ContributionsHandler, InteractionsHandler, STATE_TTL_SECONDS } from './emotion.handlers';
import { TenantEmotionConfig } from './tenant-emotion.config';

/** The tenant settings and models reload while the service runs, counted by outcome. */
@Injectable()
class EmotionReloads implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(@Inject(TenantEmotionConfig) private readonly tenants: TenantEmotionConfig, metrics: PipelineMetrics) {
    const reloads = new Counter({ name: 'cx_emotion_config_reloads_total', help: 'Reloads of EMOTION_TENANTS_FILE by outcome', labelNames: ['outcome'], registers: [metrics.registry] });
    for (const o of ['applied', 'unchanged', 'rejected']) reloads.inc({ outcome: o }, 0);
    tenants.source.onOutcome((o) => reloads.inc({ outcome: o }));
  }
  onApplicationBootstrap(): void {
    this.tenants.start();
  }
  onApplicationShutdown(): void {
    this.tenants.stop();
  }
}

@Module({})
export class EmotionDetectorModule {
  /** The tenant file and the model are loaded here, so a bad file stops start-up naming it. */
  static forRoot(env: EmotionEnv): DynamicModule {
    const tenants = TenantEmotionConfig.load(env.EMOTION_TENANTS_FILE, resolve(env.EMOTION_MODEL_DIR));
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
        EmotionReloads,
        { provide: EmotionKeys, useFactory: (k: KeySpace) => new EmotionKeys(k), inject: [KeySpace] },
        { provide: TenantEmotionConfig, useValue: tenants },
        { provide: STATE_TTL_SECONDS, useValue: env.EMOTION_STATE_TTL_SECONDS },
      ],
    };
  }
}
