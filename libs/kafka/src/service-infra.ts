import type { DynamicModule } from '@nestjs/common';
import type { z } from 'zod';
import { brokersOf, type BaseEnv } from '@cx/config';
import { MetricsModule } from '@cx/metrics';
import { RedisHealthCheck, RedisModule } from '@cx/redis';
import type { FetchOptions } from './kafka-options';
import { KafkaHealthCheck, KafkaModule } from './kafka.module';

export interface ServiceInfraSpec {
  /** Service name: the `service` metric label and the Kafka client id prefix. */
  service: string;
  /** Namespace of the service's own Redis keys. */
  namespace: string;
  groupId: string;
  subscriptions: Record<string, z.ZodType>;
  produces: string[];
}

/** The consumer fetch settings of a service (the benchmark's bare consumer uses them too). */
export function fetchOptions(env: BaseEnv): FetchOptions {
  return { minBytes: env.KAFKA_FETCH_MIN_BYTES, maxWaitTimeInMs: env.KAFKA_FETCH_MAX_WAIT_MS, maxBytes: env.KAFKA_FETCH_MAX_BYTES };
}

/** Metrics, Redis and Kafka modules of one service, configured the same way everywhere. */
export function serviceInfra(env: BaseEnv, spec: ServiceInfraSpec): DynamicModule[] {
  return [
    MetricsModule.forRoot(spec.service, [RedisHealthCheck, KafkaHealthCheck]),
    RedisModule.forRoot({ url: env.REDIS_URL, keyPrefix: env.REDIS_KEY_PREFIX, namespace: spec.namespace, dedupeTtlSeconds: env.DEDUPE_TTL_SECONDS }),
    KafkaModule.forRoot({
      brokers: brokersOf(env), clientId: `${spec.service}-${env.INSTANCE_ID}`, groupId: spec.groupId,
      topicPrefix: env.TOPIC_PREFIX, partitions: env.TOPIC_PARTITIONS, partitionsConsumedConcurrently: env.KAFKA_PARTITION_CONCURRENCY,
      fetch: fetchOptions(env),
      subscriptions: spec.subscriptions, produces: spec.produces,
    }),
  ];
}
