import { DynamicModule, Global, Module, Type } from '@nestjs/common';
import { HEALTH_CHECKS, HealthCheck } from './health-check';
import { MetricsController } from './metrics.controller';
import { PipelineMetrics } from './pipeline-metrics';

@Global()
@Module({})
export class MetricsModule {
  /** `checks` are HealthCheck providers exported by global modules (Redis, Kafka). */
  static forRoot(service: string, checks: Type<HealthCheck>[] = []): DynamicModule {
    return {
      module: MetricsModule,
      controllers: [MetricsController],
      providers: [
        { provide: PipelineMetrics, useValue: new PipelineMetrics(service) },
        { provide: HEALTH_CHECKS, useFactory: (...all: HealthCheck[]) => all, inject: checks },
      ],
      exports: [PipelineMetrics],
    };
  }
}
