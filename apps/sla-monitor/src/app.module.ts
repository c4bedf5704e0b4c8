import { Inject, Injectable, Logger, Module, OnApplicationBootstrap, OnApplicationShutdown, OnModuleInit, type DynamicModule } from '@nestjs/common';
import { readFileSync } from 'node:fs';
import type { Kafka } from 'kafkajs';
import { Counter } from 'prom-client';
import { InteractionEvent, Topics } from '@cx/contracts';
import { ReloadableFile } from '@cx/config';
import { PipelineMetrics } from '@cx/metrics';
import { KeySpace, REDIS, type RedisClient } from '@cx/redis';
import { Committer, KAFKA, LoopRunner, serviceRuntime } from '@cx/runtime';
import { SLA_KEY_NAMESPACE } from '@cx/sla';
import type { SlaEnv } from './sla-env';
import { SlaKeys } from './sla-keys';
import { SlaMetrics } from './sla-metrics';
import { loadPolicies, SLA_POLICIES } from './sla-policies';
import { POLICY_VERSION_SCRIPT, PolicyVersions, type PolicyFile } from './sla-policy-versions';
import { SlaController } from './sla.controller';
import { SLA_HANDLER_OPTIONS, SlaHandler } from './sla.handler';
import { SlaScheduler } from './sla.scheduler';
import { InputPartitions, SlaProgress, WATERMARK_SCRIPT, WatermarkReader } from './sla-watermarks';

/**
 * Runs what the sla-monitor does besides consuming: the policy file's version (before the consumer
 * starts) and its reloads (each applied to every running clock: SlaScheduler.migrateAll), the
 * scheduler, and the input partitions the watermark covers (from Kafka's metadata).
 */
@Injectable()
class SlaLifecycle implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger('SlaPolicies');
  private readonly background: LoopRunner[];

  constructor(
    private readonly scheduler: SlaScheduler,
    @Inject(SLA_POLICIES) private readonly file: ReloadableFile<PolicyFile>,
    private readonly versions: PolicyVersions,
    private readonly metrics: SlaMetrics,
    partitions: InputPartitions,
  ) {
    this.background = [new LoopRunner('input partitions', 60_000, () => partitions.refresh())];
    file.onChange((next) => void this.apply(next));
  }

  async onModuleInit(): Promise<void> {
    await this.versions.use(this.file.current());
  }

  onApplicationBootstrap(): void {
    this.file.start();
    for (const l of this.background) l.start();
    this.scheduler.start();
  }

  async onApplicationShutdown(): Promise<void> {
    this.file.stop();
    await this.scheduler.stop();
    await Promise.all(this.background.map((l) => l.stop()));
  }

  private async apply(next: PolicyFile): Promise<void> {
    try {
      const v = await this.versions.use(next);
      this.metrics.setTargets(next.set.policies);
      const moved = await this.scheduler.migrateAll();
      this.log.log(`policy version ${v.version} in force since ${new Date(v.at).toISOString()}: ${moved} conversations with running timers moved`);
    } catch (e) {
      this.log.error(`applying the reloaded policies failed (conversations move on their next event or timer): ${(e as Error).message}`);
    }
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
    const policies = new ReloadableFile<PolicyFile>({
      name: 'SLA_POLICIES_FILE', path: env.SLA_POLICIES_FILE,
      load: (p) => { const { set, path } = loadPolicies(p); return { set, text: readFileSync(path, 'utf8') }; },
    });
    return {
      module: SlaMonitorModule,
      imports: serviceRuntime(env, {
        service: 'sla-monitor', namespace: SLA_KEY_NAMESPACE, groupId: env.SLA_GROUP_ID,
        subscriptions: { [Topics.chat]: InteractionEvent, [Topics.email]: InteractionEvent, [Topics.call]: InteractionEvent },
        produces: [Topics.sla, Topics.escalations],
        progress: SlaProgress,
        redisScripts: [POLICY_VERSION_SCRIPT, WATERMARK_SCRIPT],
      }),
      controllers: [SlaController],
      providers: [
        { provide: SLA_POLICIES, useValue: policies },
        { provide: SlaKeys, useFactory: (k: KeySpace) => new SlaKeys(k), inject: [KeySpace] },
        { provide: PolicyVersions, useFactory: (r: RedisClient, keys: SlaKeys) => new PolicyVersions(r, keys), inject: [REDIS, SlaKeys] },
        {
          provide: SlaMetrics,
          useFactory: (m: PipelineMetrics, r: RedisClient, keys: SlaKeys) => {
            const metrics = new SlaMetrics(m, policies.current().set.policies, () => openClocks(r, keys));
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
        {
          provide: SlaScheduler,
          useFactory: (r: RedisClient, keys: SlaKeys, c: Committer, v: PolicyVersions, w: WatermarkReader, m: SlaMetrics) => new SlaScheduler(r, keys, c, v, w, m, {
            tickMs: env.SLA_TICK_MS, claimBatch: env.SLA_CLAIM_BATCH, leaseMs: env.SLA_LEASE_MS, graceMs: env.SLA_FIRE_GRACE_MS, escalateOn: env.SLA_ESCALATE_ON,
          }),
          inject: [REDIS, SlaKeys, Committer, PolicyVersions, WatermarkReader, SlaMetrics],
        },
        SlaLifecycle,
      ],
    };
  }
}
