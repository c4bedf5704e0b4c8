import { DynamicModule, Global, Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import type Redis from 'ioredis';
import { Kafka } from 'kafkajs';
import type { HealthCheck } from '@cx/metrics';
import { PipelineMetrics } from '@cx/metrics';
import { EventLedger, REDIS } from '@cx/redis';
import { EventPublisher } from './event-publisher';
import { createKafka } from './kafka-client';
import { KafkaBatchServer } from './kafka-batch.server';
import { KAFKA_OPTIONS, type KafkaOptions } from './kafka-options';

@Injectable()
export class KafkaHealthCheck implements HealthCheck {
  readonly name = 'kafka';
  constructor(private readonly server: KafkaBatchServer) {}
  async check(): Promise<boolean> {
    return this.server.isRunning;
  }
}

@Injectable()
class ServerCloser implements OnApplicationShutdown {
  constructor(private readonly server: KafkaBatchServer) {}
  async onApplicationShutdown(): Promise<void> {
    await this.server.close();
  }
}

/** Kafka client, publisher and the batch transport for one service; needs RedisModule and MetricsModule. */
@Global()
@Module({})
export class KafkaModule {
  static forRoot(options: KafkaOptions): DynamicModule {
    return {
      module: KafkaModule,
      providers: [
        { provide: KAFKA_OPTIONS, useValue: options },
        { provide: Kafka, useFactory: () => createKafka(options.brokers, options.clientId) },
        { provide: EventPublisher, useFactory: (k: Kafka, m: PipelineMetrics) => new EventPublisher(k, options, m), inject: [Kafka, PipelineMetrics] },
        {
          provide: KafkaBatchServer,
          useFactory: (k: Kafka, p: EventPublisher, l: EventLedger, r: Redis, m: PipelineMetrics) => new KafkaBatchServer(k, options, p, l, r, m),
          inject: [Kafka, EventPublisher, EventLedger, REDIS, PipelineMetrics],
        },
        KafkaHealthCheck,
        ServerCloser,
      ],
      exports: [KAFKA_OPTIONS, Kafka, EventPublisher, KafkaBatchServer, KafkaHealthCheck],
    };
  }
}
