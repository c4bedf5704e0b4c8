/*
 * The runtime of one service, configured the same way everywhere: metrics and health, Redis (the
 * state adapter), Kafka (the transport adapter), the committer every unit of work commits through,
 * the consumer transport, the outbox drainer and the lag monitor.
 */
import { DynamicModule, Global, Inject, Injectable, Module, OnApplicationBootstrap, OnApplicationShutdown, type Type } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import type { z } from 'zod';
import { brokersOf, redisConnectionOf, type BaseEnv } from '@cx/config';
import { createKafka, EventPublisher, LagMonitor, WorkerPublisher, type FetchOptions, type Publisher } from '@cx/kafka';
import { MetricsModule, PipelineMetrics } from '@cx/metrics';
import { KeySpace, REDIS, RedisHealth, RedisModule, type RedisClient, type ScriptDefinition } from '@cx/redis';
import { TracingModule } from '@cx/tracing';
import { Committer } from './committer';
import type { ConsumerProgress } from './consumer-progress';
import { KafkaBatchServer } from './kafka-batch.server';
import { OutboxDrainer } from './outbox-drainer';
import { UnitRunner } from './unit-runner';

export interface ServiceSpec {
  /** Service name: the `service` metric label and the Kafka client id prefix. */
  service: string;
  /** Namespace of the service's own Redis keys. */
  namespace: string;
  groupId: string;
  subscriptions: Record<string, z.ZodType>;
  produces: string[];
  /** Told how far each input partition has been committed (sla-monitor's event-time watermarks). */
  progress?: Type<ConsumerProgress>;
  /** The service's own Lua commands, defined on its Redis client before any command. */
  redisScripts?: readonly ScriptDefinition[];
}

export const KAFKA = Symbol('KAFKA');
export const PUBLISHER = Symbol('PUBLISHER');
export const SERVICE_ENV = Symbol('SERVICE_ENV');
const PROGRESS = Symbol('PROGRESS');

/** How long a committer owns a fresh outbox entry before the drainer may publish it. */
export const OUTBOX_LEASE_MS = 30_000;

/** The consumer fetch settings of a service (the benchmark's bare consumer uses them too). */
export function fetchOptions(env: BaseEnv): FetchOptions {
  return { minBytes: env.KAFKA_FETCH_MIN_BYTES, maxWaitTimeInMs: env.KAFKA_FETCH_MAX_WAIT_MS, maxBytes: env.KAFKA_FETCH_MAX_BYTES };
}

/**
 * Start and stop of the runtime's loops. Shutdown runs after the services' own hooks (timer loops,
 * ladders: Nest closes this global module after them) and before RedisModule closes the client, in
 * the one order that loses no acknowledgement: consumer (its last unit commits), drainer, then the
 * committer's unanswered outbox acknowledgements, and only then the producer. The producer used to
 * close beside the drainer (two hooks of one module run at once), and Redis closed with
 * acknowledgements in flight, whose entries another instance then published again.
 */
@Injectable()
class RuntimeLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    private readonly drainer: OutboxDrainer,
    private readonly lag: LagMonitor,
    @Inject(KafkaBatchServer) private readonly server: KafkaBatchServer,
    private readonly committer: Committer,
    @Inject(PUBLISHER) private readonly publisher: Publisher,
  ) {}
  onApplicationBootstrap(): void {
    this.drainer.start();
    this.lag.start();
  }
  async onApplicationShutdown(): Promise<void> {
    await this.server.close();
    await Promise.all([this.drainer.stop(), this.lag.stop()]);
    await this.committer.settled();
    await this.publisher.close?.();
  }
}

@Global()
@Module({})
export class RuntimeModule {
  static forRoot(env: BaseEnv, spec: ServiceSpec): DynamicModule {
    const clientId = `${spec.service}-${env.INSTANCE_ID}`;
    return {
      module: RuntimeModule,
      providers: [
        { provide: SERVICE_ENV, useValue: env },
        { provide: KAFKA, useFactory: () => createKafka(brokersOf(env), clientId) },
        {
          provide: PUBLISHER,
          useFactory: (k: Kafka): Publisher => (env.KAFKA_PUBLISH_WORKER
            ? new WorkerPublisher({ brokers: brokersOf(env), clientId }, env.TOPIC_PREFIX)
            : new EventPublisher(k, env.TOPIC_PREFIX)),
          inject: [KAFKA],
        },
        {
          provide: Committer,
          useFactory: (r: RedisClient, keys: KeySpace, p: Publisher, m: PipelineMetrics) => new Committer(r, keys, p, m, {
            instanceId: env.INSTANCE_ID, markTtlMs: env.DEDUPE_TTL_SECONDS * 1000, outboxLeaseMs: OUTBOX_LEASE_MS,
          }),
          inject: [REDIS, KeySpace, PUBLISHER, PipelineMetrics],
        },
        { provide: UnitRunner, useFactory: (r: RedisClient, c: Committer, m: PipelineMetrics) => new UnitRunner(r, c, m), inject: [REDIS, Committer, PipelineMetrics] },
        ...(spec.progress ? [{ provide: PROGRESS, useClass: spec.progress }] : [{ provide: PROGRESS, useValue: undefined }]),
        {
          provide: KafkaBatchServer,
          useFactory: (k: Kafka, runner: UnitRunner, m: PipelineMetrics, progress?: ConsumerProgress) => new KafkaBatchServer(k, {
            groupId: spec.groupId, topicPrefix: env.TOPIC_PREFIX, partitions: env.TOPIC_PARTITIONS, replicationFactor: env.TOPIC_REPLICATION_FACTOR,
            partitionsConsumedConcurrently: env.KAFKA_PARTITION_CONCURRENCY, fetch: fetchOptions(env),
            subscriptions: spec.subscriptions, produces: spec.produces, maxUnitMessages: env.UNIT_MAX_MESSAGES,
            commitIntervalMs: env.KAFKA_COMMIT_INTERVAL_MS,
          }, runner, m, progress),
          inject: [KAFKA, UnitRunner, PipelineMetrics, PROGRESS],
        },
        {
          provide: OutboxDrainer,
          useFactory: (r: RedisClient, keys: KeySpace, p: Publisher, c: Committer, m: PipelineMetrics) => new OutboxDrainer(r, keys, p, c, m, OUTBOX_LEASE_MS),
          inject: [REDIS, KeySpace, PUBLISHER, Committer, PipelineMetrics],
        },
        {
          provide: LagMonitor,
          useFactory: (k: Kafka, m: PipelineMetrics) => new LagMonitor(k, spec.groupId,
            new Map(Object.keys(spec.subscriptions).map((t) => [env.TOPIC_PREFIX + t, t])), m.lag),
          inject: [KAFKA, PipelineMetrics],
        },
        RuntimeLifecycle,
      ],
      exports: [SERVICE_ENV, KAFKA, PUBLISHER, Committer, UnitRunner, KafkaBatchServer, OutboxDrainer],
    };
  }
}

/** Metrics, Redis, the runtime and tracing of one service. */
export function serviceRuntime(env: BaseEnv, spec: ServiceSpec): DynamicModule[] {
  return [
    MetricsModule.forRoot(spec.service, [RedisHealth, KafkaBatchServer]),
    RedisModule.forRoot({
      connection: redisConnectionOf(env), keyPrefix: env.REDIS_KEY_PREFIX, namespace: spec.namespace,
      shards: env.REDIS_SHARDS, dedupeTtlSeconds: env.DEDUPE_TTL_SECONDS, scripts: spec.redisScripts,
    }),
    RuntimeModule.forRoot(env, spec),
    TracingModule.forRoot(env, spec.service),
  ];
}
