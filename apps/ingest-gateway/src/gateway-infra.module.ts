// Kafka and Redis for the gateway, behind its own ports: the publisher (EventPublisher of
// @cx/kafka with acks=all, wrapped by KafkaIngestPublisher), the contact-start store, the input
// topics created at start-up, and the health checks /health reports.
import { connect } from 'node:net';
import { DynamicModule, Global, Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { brokersOf, redisConnectionOf } from '@cx/config';
import { Topics, encodeCloudEvent } from '@cx/contracts';
import { EventPublisher, createKafka, ensureTopics } from '@cx/kafka';
import type { HealthCheck } from '@cx/metrics';
import { RedisHealth, createRedis, type RedisClient } from '@cx/redis';
import type { GatewayEnv } from './gateway-env';
import { INGEST_PUBLISHER } from './publishing/ingest-publisher';
import { KafkaIngestPublisher } from './publishing/kafka-ingest.publisher';
import { RedisContactStartStore } from './publishing/redis-contact-start.store';

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
class RedisCloser implements OnApplicationShutdown {
  constructor(@Inject(GATEWAY_REDIS) private readonly redis: RedisClient, private readonly health: RedisHealth) {}
  async onApplicationShutdown(): Promise<void> {
    this.health.stop();
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

@Global()
@Module({})
export class GatewayInfraModule {
  static forRoot(env: GatewayEnv): DynamicModule {
    const clientId = `ingest-gateway-${env.INSTANCE_ID}`;
    const topics = [Topics.chat, Topics.email, Topics.call, Topics.dlq].map((t) => env.TOPIC_PREFIX + t);
    return {
      module: GatewayInfraModule,
      providers: [
        { provide: GATEWAY_ENV, useValue: env },
        { provide: GATEWAY_KAFKA, useFactory: () => createKafka(brokersOf(env), clientId) },
        {
          provide: TOPICS_READY, inject: [GATEWAY_KAFKA],
          useFactory: (k: Kafka) => ensureTopics(k, topics, env.TOPIC_PARTITIONS, env.TOPIC_REPLICATION_FACTOR).then(() => true),
        },
        {
          provide: EventPublisher, inject: [GATEWAY_KAFKA, TOPICS_READY],
          useFactory: (k: Kafka) => new EventPublisher(k, env.TOPIC_PREFIX),
        },
        {
          provide: KafkaIngestPublisher, inject: [EventPublisher],
          useFactory: (p: EventPublisher) => new KafkaIngestPublisher(
            (events, dead) => p.send([...events.map((e) => ({ topic: e.topic, ...encodeCloudEvent(e.event) })), ...dead]),
            { timeoutMs: env.GATEWAY_PUBLISH_TIMEOUT_MS, maxPendingMessages: env.GATEWAY_MAX_PENDING_EVENTS, maxInFlight: env.GATEWAY_MAX_IN_FLIGHT },
          ),
        },
        { provide: INGEST_PUBLISHER, useExisting: KafkaIngestPublisher },
        { provide: GATEWAY_REDIS, useFactory: () => createRedis(redisConnectionOf(env), 'ingest-gateway') },
        { provide: RedisHealth, inject: [GATEWAY_REDIS], useFactory: (r: RedisClient) => new RedisHealth(r) },
        {
          provide: RedisContactStartStore, inject: [GATEWAY_REDIS],
          useFactory: (r: RedisClient) => new RedisContactStartStore(r, env.REDIS_KEY_PREFIX, env.GATEWAY_CONTACT_START_TTL_SECONDS, env.GATEWAY_PUBLISH_TIMEOUT_MS),
        },
        KafkaIngestHealth,
        RedisCloser,
      ],
      exports: [GATEWAY_ENV, INGEST_PUBLISHER, KafkaIngestPublisher, RedisContactStartStore, KafkaIngestHealth, RedisHealth],
    };
  }
}
