import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { uniq } from './ids';
import { defaultBrokers, TestKafka } from './kafka-test-client';
import { isolatedEnv, startServiceProcess, type AppName, type ServiceProcess } from './service-process';

export const SUPERVISOR_KEY = 'test-supervisor-key-0123456789';
export const OTHER_TENANT_KEY = 'test-other-tenant-key-0123456789';

/** Like Promise.all, but rejects only once every promise settled (no process starts after a failure was reported). */
export async function settleAll(promises: Promise<unknown>[]): Promise<void> {
  const failed = (await Promise.allSettled(promises)).find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}

/** Where a stack runs: the integration tier's single broker and Redis unless told (the cluster tier's clusters). */
export interface StackTarget {
  brokers: string[];
  /** Connection settings for the services (KAFKA_BROKERS, REDIS_CLUSTER_NODES, ...). */
  env: Record<string, string>;
}

/** A private slice of the real infrastructure for one test file: prefix, services, Kafka client. */
export class StackFixture {
  readonly prefix = uniq('t');
  readonly kafka: TestKafka;
  readonly services = new Map<AppName, ServiceProcess>();
  /** Extra instances of a service in the same consumer group (scale-out tests). */
  readonly extra: ServiceProcess[] = [];
  readonly keysFile: string;
  readonly env: Record<string, string>;
  /** Settings of one service only (each its own Redis proxy, say), over `env`. */
  readonly appEnv = new Map<AppName, Record<string, string>>();

  constructor(extraEnv: Record<string, string> = {}, target: StackTarget = { brokers: defaultBrokers(), env: {} }) {
    this.kafka = new TestKafka(this.prefix, target.brokers);
    const dir = mkdtempSync(join(tmpdir(), 'cx-test-'));
    this.keysFile = join(dir, 'keys.json');
    writeFileSync(this.keysFile, JSON.stringify({
      [SUPERVISOR_KEY]: { role: 'supervisor', tenant: 'default', teams: ['support'], agentId: 'sup-1' },
      [OTHER_TENANT_KEY]: { role: 'admin', tenant: 'other' },
    }));
    this.env = isolatedEnv(this.prefix, { ROUTER_API_KEYS_FILE: this.keysFile, ...target.env, ...extraEnv });
  }

  async start(...apps: AppName[]): Promise<void> {
    // Each one is kept as soon as it runs, so stop() also stops those that started beside one that failed.
    await settleAll(apps.map(async (a) => this.services.set(a, await startServiceProcess(a, this.envOf(a)))));
  }

  /** Kills a service (SIGKILL by default: no drain, no commit) and starts it again with the same environment. */
  async restart(app: AppName, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    await this.services.get(app)?.stop(signal);
    this.services.set(app, await startServiceProcess(app, this.envOf(app)));
  }

  async scaleOut(app: AppName): Promise<ServiceProcess> {
    const s = await startServiceProcess(app, this.envOf(app));
    this.extra.push(s);
    return s;
  }

  envOf(app: AppName): Record<string, string> {
    return { ...this.env, ...this.appEnv.get(app) };
  }

  /** Every running instance of `app`: the first one started, then the scale-out ones. */
  instances(app: AppName): ServiceProcess[] {
    const first = this.services.get(app);
    return [...(first ? [first] : []), ...this.extra.filter((s) => s.app === app)];
  }

  /** Stops the newest scale-out instance of `app` (SIGTERM: it leaves the group after its unit). */
  async scaleIn(app: AppName, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const i = this.extra.map((s) => s.app).lastIndexOf(app);
    if (i < 0) throw new Error(`no scale-out instance of ${app}`);
    const [s] = this.extra.splice(i, 1);
    await s.stop(signal);
  }

  url(app: AppName): string {
    const s = this.services.get(app);
    if (!s) throw new Error(`${app} not started`);
    return s.url;
  }

  async stop(): Promise<void> {
    await Promise.all([...this.services.values(), ...this.extra].map((s) => s.stop('SIGTERM')));
    this.services.clear();
    this.extra.length = 0;
    await this.kafka.close();
  }
}
