import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { uniq } from './ids';
import { TestKafka } from './kafka-test-client';
import { isolatedEnv, startServiceProcess, type AppName, type ServiceProcess } from './service-process';

export const SUPERVISOR_KEY = 'test-supervisor-key-0123456789';
export const OTHER_TENANT_KEY = 'test-other-tenant-key-0123456789';

/** A private slice of the real infrastructure for one test file: prefix, services, Kafka client. */
export class StackFixture {
  readonly prefix = uniq('t');
  readonly kafka = new TestKafka(this.prefix);
  readonly services = new Map<AppName, ServiceProcess>();
  /** Extra instances of a service in the same consumer group (scale-out tests). */
  readonly extra: ServiceProcess[] = [];
  readonly keysFile: string;
  readonly env: Record<string, string>;

  constructor(extraEnv: Record<string, string> = {}) {
    const dir = mkdtempSync(join(tmpdir(), 'cx-test-'));
    this.keysFile = join(dir, 'keys.json');
    writeFileSync(this.keysFile, JSON.stringify({
      [SUPERVISOR_KEY]: { role: 'supervisor', tenant: 'default', teams: ['support'], agentId: 'sup-1' },
      [OTHER_TENANT_KEY]: { role: 'admin', tenant: 'other' },
    }));
    this.env = isolatedEnv(this.prefix, { ROUTER_API_KEYS_FILE: this.keysFile, ...extraEnv });
  }

  async start(...apps: AppName[]): Promise<void> {
    const started = await Promise.all(apps.map((a) => startServiceProcess(a, this.env)));
    for (const s of started) this.services.set(s.app, s);
  }

  /** Kills a service (SIGKILL by default: no drain, no commit) and starts it again with the same environment. */
  async restart(app: AppName, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    await this.services.get(app)?.stop(signal);
    this.services.set(app, await startServiceProcess(app, this.env));
  }

  async scaleOut(app: AppName): Promise<ServiceProcess> {
    const s = await startServiceProcess(app, this.env);
    this.extra.push(s);
    return s;
  }

  url(app: AppName): string {
    const s = this.services.get(app);
    if (!s) throw new Error(`${app} not started`);
    return s.url;
  }

  async stop(): Promise<void> {
    await Promise.all([...this.services.values(), ...this.extra].map((s) => s.stop('SIGTERM')));
    this.services.clear();
    await this.kafka.close();
  }
}
