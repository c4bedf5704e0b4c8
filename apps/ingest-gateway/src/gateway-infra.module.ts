// Kafka and Redis for the gateway, behind its own ports: the publisher (EventPublisher of
// @cx/kafka with acks=all, wrapped by KafkaIngestPublisher), the contact-start store, the input
// topics created at start-up, and the health checks /health reports.
import { connect } from 'node:net';
import { DynamicModule, Global, Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import type Redis from 'ioredis';
import type { Kafka } from 'kafkajs';
import { Topics } from '@cx/contracts';
import { brokersOf } from '@cx/config';
import { EventPublisher, createKafka, type KafkaOptions, type OutEvent, type RawOut } from '@cx/kafka';
import { PipelineMetrics, type HealthCheck } from '@cx/metrics';
import type { GatewayEnv } from './gateway-env';
import { INGEST_PUBLISHER } from './publishing/ingest-publisher';
import { KafkaIngestPublisher } from './publishing/kafka-ingest.publisher';
import { RedisContactStartStore, createGatewayRedis } from './publishing/redis-contact-start.store';
import { ensureGatewayTopics } from './publishing/topic-setup';

export const GATEWAY_ENV = Symbol('GATEWAY_ENV');
export const GATEWAY_REDIS = Symbol('GATEWAY_REDIS');
export const GATEWAY_KAFKA = Symbol('GATEWAY_KAFKA');
const TOPICS_READY = Symbol('TOPICS_READY');

/** Any broker accepting TCP within a second, and no produce request hanging. */
@Injectable()
export class KafkaIngestHealth implements HealthCheck {
  readonly name = 'kafka';
  constructor(@Inject(GATEWAY_ENV) private readonly env: GatewayEnv, private readonly publisher: KafkaIngestPublisher) {}

  async check(): Promise<boolean> {
    if (!this.publisher.healthy) return false;
    const probes = brokersOf(this.env).map((b) => new Promise<boolean>((resolve) => {
      const i = b.lastIndexOf(':');
      const s = connect({ host: b.slice(0, i).replace(/^\[|\]$/g, ''), port: Number(b.slice(i + 1)), timeout: 1000 });
      const end = (ok: boolean) => { s.destroy(); resolve(ok); };
      s.once('connect', () => end(true)).once('timeout', () => end(false)).once('error', () => end(false));
    }));
    return (await Promise.all(probes)).some(Boolean);
  }
}

@Injectable()
export class RedisIngestHealth implements HealthCheck {
  readonly name = 'redis';
  constructor(@Inject(GATEWAY_REDIS) private readonly redis: Redis) {}
  async check(): Promise<boolean> {
    return (await this.redis.ping()) === 'PONG';
  }
}

@Injectable()
class RedisCloser implements OnApplicationShutdown {
  constructor(@Inject(GATEWAY_REDIS) private readonly redis: Redis) {}
  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

@Global()
@Module({})
export class GatewayInfraModule {
  static forRoot(env: GatewayEnv): DynamicModule {
    const kafkaOptions: KafkaOptions = {
      brokers: brokersOf(env), clientId: `ingest-gateway-${env.INSTANCE_ID}`, groupId: 'ingest-gateway', topicPrefix: env.TOPIC_PREFIX,
      partitions: env.TOPIC_PARTITIONS, partitionsConsumedConcurrently: 1,
      fetch: { minBytes: 1, maxWaitTimeInMs: env.KAFKA_FETCH_MAX_WAIT_MS, maxBytes: env.KAFKA_FETCH_MAX_BYTES },
      subscriptions: {}, produces: [Topics.chat, Topics.email, Topics.call, Topics.dlq],
    };
    return {
      module: GatewayInfraModule,
      providers: [
        { provide: GATEWAY_ENV, useValue: env },
        { provide: GATEWAY_KAFKA, useFactory: () => createKafka(kafkaOptions.brokers, kafkaOptions.clientId) },
        {
          provide: TOPICS_READY, inject: [GATEWAY_KAFKA],
          useFactory: (k: Kafka) => ensureGatewayTopics(k, kafkaOptions.produces.map((t) => env.TOPIC_PREFIX + t), env.TOPIC_PARTITIONS).then(() => true),
        },
        {
          provide: EventPublisher, inject: [GATEWAY_KAFKA, PipelineMetrics, TOPICS_READY],
          useFactory: (k: Kafka, m: PipelineMetrics) => new EventPublisher(k, kafkaOptions, m),
        },
        {
          provide: KafkaIngestPublisher, inject: [EventPublisher],
          useFactory: (p: EventPublisher) => new KafkaIngestPublisher(
            (events, dead) => p.publish(events as OutEvent[], dead as RawOut[]),
            { timeoutMs: env.GATEWAY_PUBLISH_TIMEOUT_MS, maxPendingMessages: env.GATEWAY_MAX_PENDING_EVENTS, maxInFlight: env.GATEWAY_MAX_IN_FLIGHT },
          ),
        },
        { provide: INGEST_PUBLISHER, useExisting: KafkaIngestPublisher },
        { provide: GATEWAY_REDIS, useFactory: () => createGatewayRedis(env.REDIS_URL) },
        {
          provide: RedisContactStartStore, inject: [GATEWAY_REDIS],
          useFactory: (r: Redis) => new RedisContactStartStore(r, env.REDIS_KEY_PREFIX, env.GATEWAY_CONTACT_START_TTL_SECONDS, env.GATEWAY_PUBLISH_TIMEOUT_MS),
        },
        KafkaIngestHealth,
        RedisIngestHealth,
        RedisCloser,
      ],
      exports: [GATEWAY_ENV, INGEST_PUBLISHER, KafkaIngestPublisher, RedisContactStartStore, KafkaIngestHealth, RedisIngestHealth],
    };
  }
}
