import { DynamicModule, Module } from '@nestjs/common';
import { InteractionEvent, Topics } from '@cx/contracts';
import { serviceInfra } from '@cx/kafka';
import type { SlaEnv } from './sla-env';
import { SlaController } from './sla.controller';

@Module({})
export class SlaMonitorModule {
  static forRoot(env: SlaEnv): DynamicModule {
    return {
      module: SlaMonitorModule,
      imports: [
        ...serviceInfra(env, {
          service: 'sla-monitor', namespace: 'sla', groupId: env.SLA_GROUP_ID,
          subscriptions: { [Topics.chat]: InteractionEvent, [Topics.email]: InteractionEvent, [Topics.call]: InteractionEvent },
          produces: [Topics.sla, Topics.escalations],
        }),
      ],
      controllers: [SlaController],
    };
  }
}
