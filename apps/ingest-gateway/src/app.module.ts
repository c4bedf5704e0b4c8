// The ingestion gateway's Nest module: metrics and health (@cx/metrics), Kafka and Redis behind
// the gateway's own ports, tracing, and the one ingest controller (served ahead of Express: main.ts).
import { DynamicModule, Module } from '@nestjs/common';
import { MetricsModule, PipelineMetrics } from '@cx/metrics';
import { TracingModule } from '@cx/tracing';
import type { ConnectorDirectory } from './connectors-config';
import type { GatewayEnv } from './gateway-env';
import { RedisHealth } from '@cx/redis';
import { GatewayInfraModule, KafkaIngestHealth } from './gateway-infra.module';
import { GatewayMetrics } from './gateway-metrics';
import { IngestController } from './ingest.controller';
import { IngestService } from './ingest.service';
import { INGEST_PUBLISHER, type IngestPublisher } from './publishing/ingest-publisher';
import { RedisContactStartStore } from './publishing/redis-contact-start.store';

@Module({})
export class IngestGatewayModule {
  static forRoot(env: GatewayEnv, directory: ConnectorDirectory): DynamicModule {
    return {
      module: IngestGatewayModule,
      imports: [MetricsModule.forRoot('ingest-gateway', [KafkaIngestHealth, RedisHealth]), GatewayInfraModule.forRoot(env), TracingModule.forRoot(env, 'ingest-gateway')],
      providers: [
        IngestController,
        { provide: GatewayMetrics, inject: [PipelineMetrics], useFactory: (m: PipelineMetrics) => new GatewayMetrics(m) },
        {
          provide: IngestService, inject: [INGEST_PUBLISHER, RedisContactStartStore, GatewayMetrics],
          useFactory: (p: IngestPublisher, s: RedisContactStartStore, m: GatewayMetrics) =>
            new IngestService(directory, p, s, m, { retryAfterSeconds: env.GATEWAY_RETRY_AFTER_SECONDS, pseudonymKey: env.GATEWAY_PSEUDONYM_KEY }),
        },
      ],
    };
  }
}
