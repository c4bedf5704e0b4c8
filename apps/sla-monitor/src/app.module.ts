import { BeforeApplicationShutdown, DynamicModule, Inject, Module, OnApplicationBootstrap } from '@nestjs/common';
import type Redis from 'ioredis';
import { InteractionEvent, Topics } from '@cx/contracts';
import { EventPublisher, KAFKA_OPTIONS, serviceInfra, type KafkaOptions } from '@cx/kafka';
import { PipelineMetrics } from '@cx/metrics';
import { REDIS, REDIS_OPTIONS, type RedisOptions } from '@cx/redis';
import type { PolicySet } from '@cx/sla';
import { RedisSlaStore } from './redis-sla.store';
import type { SlaEnv } from './sla-env';
import { SlaKeys } from './sla-keys';
import { SlaMetrics } from './sla-metrics';
import { SlaController } from './sla.controller';
import { SlaPipeline } from './sla.pipeline';
import { SlaScheduler, type Publisher } from './sla.scheduler';
import { WorkerPublisher } from './worker-publisher';

const SLA_STORE = Symbol('SLA_STORE');
const SLA_PUBLISHER = Symbol('SLA_PUBLISHER');

/** Runs the scheduler with the app: started once everything is wired, stopped before Redis closes. */
class SchedulerLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(
    @Inject(SlaScheduler) private readonly scheduler: SlaScheduler,
    @Inject(SLA_PUBLISHER) private readonly publisher: Publisher,
  ) {}
  onApplicationBootstrap(): void {
    this.scheduler.start();
  }
  async beforeApplicationShutdown(): Promise<void> {
    await this.scheduler.stop();
    if (this.publisher instanceof WorkerPublisher) await this.publisher.close();
  }
}

@Module({})
export class SlaMonitorModule {
  static forRoot(env: SlaEnv, policies: PolicySet): DynamicModule {
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
      providers: [
        {
          provide: SLA_STORE,
          useFactory: (redis: Redis, o: RedisOptions) => new RedisSlaStore(redis, new SlaKeys(o.keyPrefix, env.SLA_TIMER_SHARDS), env.SLA_LOCK_TTL_MS),
          inject: [REDIS, REDIS_OPTIONS],
        },
        {
          provide: SlaMetrics,
          useFactory: (m: PipelineMetrics, store: RedisSlaStore) => new SlaMetrics(m, policies.policies.map((p) => p.id), () => store.openClocks()),
          inject: [PipelineMetrics, SLA_STORE],
        },
        {
          provide: SlaPipeline,
          useFactory: (store: RedisSlaStore, metrics: SlaMetrics) => new SlaPipeline(store, policies, metrics, {
            instanceId: env.INSTANCE_ID, stateTtlSeconds: env.SLA_STATE_TTL_SECONDS, closedTtlSeconds: env.SLA_CLOSED_TTL_SECONDS, escalateOn: env.SLA_ESCALATE_ON,
          }),
          inject: [SLA_STORE, SlaMetrics],
        },
        {
          // The scheduler's producer: on a worker thread by default (worker-publisher.ts).
          provide: SLA_PUBLISHER,
          useFactory: (publisher: EventPublisher, options: KafkaOptions, m: PipelineMetrics): Publisher =>
            (env.SLA_PUBLISH_WORKER ? new WorkerPublisher(options, m) : publisher),
          inject: [EventPublisher, KAFKA_OPTIONS, PipelineMetrics],
        },
        {
          provide: SlaScheduler,
          useFactory: (store: RedisSlaStore, publisher: Publisher, metrics: SlaMetrics) => new SlaScheduler(store, policies, publisher, metrics, {
            tickMs: env.SLA_TICK_MS, claimBatch: env.SLA_CLAIM_BATCH, leaseMs: env.SLA_LEASE_MS, graceMs: env.SLA_FIRE_GRACE_MS, escalateOn: env.SLA_ESCALATE_ON,
          }),
          inject: [SLA_STORE, SLA_PUBLISHER, SlaMetrics],
        },
        SchedulerLifecycle,
      ],
    };
  }
}
