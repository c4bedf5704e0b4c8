import { Inject, Injectable, Module, OnApplicationBootstrap, OnApplicationShutdown, type DynamicModule } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { Counter } from 'prom-client';
import { InteractionEvent, Topics } from '@cx/contracts';
import { ReloadableFile } from '@cx/config';
import { PipelineMetrics } from '@cx/metrics';
import { KeySpace, REDIS, type RedisClient } from '@cx/redis';
import { Committer, KAFKA, LoopRunner, serviceRuntime } from '@cx/runtime';
import type { PolicySet } from '@cx/sla';
import type { SlaEnv } from './sla-env';
import { SlaKeys } from './sla-keys';
import { SlaMetrics } from './sla-metrics';
import { loadPolicies, SLA_POLICIES } from './sla-policies';
import { SlaController } from './sla.controller';
import { SLA_HANDLER_OPTIONS, SlaHandler } from './sla.handler';
import { SlaScheduler } from './sla.scheduler';
import { InputPartitions, SlaProgress, WatermarkReader } from './sla-watermarks';

/**
 * Runs what the sla-monitor does besides consuming: the scheduler, the policy file's reloads, the
 * input partitions the watermark covers (from Kafka's metadata) and the open-clocks gauge.
 */
@Injectable()
class SlaLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly background: LoopRunner[];

  constructor(
    private readonly scheduler: SlaScheduler,
    @Inject(SLA_POLICIES) private readonly policies: ReloadableFile<PolicySet>,
    partitions: InputPartitions,
  ) {
    this.background = [
      new LoopRunner('input partitions', 60_000, () => partitions.refresh()),
    ];
  }

  onApplicationBootstrap(): void {
    this.policies.start();
    for (const l of this.background) l.start();
    this.scheduler.start();
  }

  async onApplicationShutdown(): Promise<void> {
    this.policies.stop();
    await this.scheduler.stop();
    await Promise.all(this.background.map((l) => l.stop()));
  }
}

/** Open clocks by metric, summed over the shards (one round trip). */
async function openClocks(redis: RedisClient, keys: SlaKeys): Promise<Record<string, number>> {
  const all = await Promise.all(keys.space.allShards().map((s) => redis.hgetall(keys.open(s))));
  const out: Record<string, number> = {};
  for (const h of all) for (const [m, n] of Object.entries(h)) out[m] = (out[m] ?? 0) + Number(n);
  return out;
}

@Module({})
export class SlaMonitorModule {
  static forRoot(env: SlaEnv): DynamicModule {
    // Loaded before anything connects: a bad file exits 78 naming the field.
    const policies = new ReloadableFile<PolicySet>({ name: 'SLA_POLICIES_FILE', path: env.SLA_POLICIES_FILE, load: (p) => loadPolicies(p).set });
    return {
      module: SlaMonitorModule,
      imports: serviceRuntime(env, {
        service: 'sla-monitor', namespace: 'sla', groupId: env.SLA_GROUP_ID,
        subscriptions: { [Topics.chat]: InteractionEvent, [Topics.email]: InteractionEvent, [Topics.call]: InteractionEvent },
        produces: [Topics.sla, Topics.escalations],
        progress: SlaProgress,
      }),
      controllers: [SlaController],
      providers: [
        { provide: SLA_POLICIES, useValue: policies },
        { provide: SlaKeys, useFactory: (k: KeySpace) => new SlaKeys(k), inject: [KeySpace] },
        {
          provide: SlaMetrics,
          useFactory: (m: PipelineMetrics, r: RedisClient, keys: SlaKeys) => {
            const metrics = new SlaMetrics(m, policies.current().policies.map((p) => p.id), () => openClocks(r, keys));
            const reloads = new Counter({ name: 'cx_sla_policy_reloads_total', help: 'Reloads of SLA_POLICIES_FILE by outcome', labelNames: ['outcome'], registers: [m.registry] });
            for (const o of ['applied', 'unchanged', 'rejected']) reloads.inc({ outcome: o }, 0);
            policies.onOutcome((o) => reloads.inc({ outcome: o }));
            return metrics;
          },
          inject: [PipelineMetrics, REDIS, SlaKeys],
        },
        {
          provide: SLA_HANDLER_OPTIONS,
          useValue: { stateTtlSeconds: env.SLA_STATE_TTL_SECONDS, closedTtlSeconds: env.SLA_CLOSED_TTL_SECONDS, escalateOn: env.SLA_ESCALATE_ON },
        },
        SlaHandler,
        { provide: InputPartitions, useFactory: (k: Kafka) => new InputPartitions(k, env.TOPIC_PREFIX), inject: [KAFKA] },
        {
          provide: WatermarkReader,
          useFactory: (r: RedisClient, keys: SlaKeys, p: InputPartitions) => new WatermarkReader(r, keys, () => p.fields),
          inject: [REDIS, SlaKeys, InputPartitions],
        },
        SlaLifecycle,
        {
          provide: SlaScheduler,
          useFactory: (r: RedisClient, keys: SlaKeys, c: Committer, w: WatermarkReader, m: SlaMetrics) => new SlaScheduler(r, keys, c, policies, w, m, {
            tickMs: env.SLA_TICK_MS, claimBatch: env.SLA_CLAIM_BATCH, leaseMs: env.SLA_LEASE_MS, graceMs: env.SLA_FIRE_GRACE_MS, escalateOn: env.SLA_ESCALATE_ON,
          }),
          inject: [REDIS, SlaKeys, Committer, WatermarkReader, SlaMetrics],
        },
      ],
    };
  }
}
