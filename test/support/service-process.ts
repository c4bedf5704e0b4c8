import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { waitFor } from './wait-for';

export type AppName = 'emotion-detector' | 'sla-monitor' | 'router';
const PORT_VAR: Record<AppName, string> = { 'emotion-detector': 'EMOTION_PORT', 'sla-monitor': 'SLA_PORT', router: 'ROUTER_PORT' };
const ROOT = join(__dirname, '..', '..');
const STOP_GRACE_MS = 30_000;

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** Environment that isolates one test: its own topics, consumer groups and Redis keys. */
export function isolatedEnv(prefix: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    KAFKA_BROKERS: process.env.CX_TEST_BROKERS ?? '127.0.0.1:9092',
    REDIS_URL: process.env.CX_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
    TOPIC_PREFIX: `${prefix}.`,
    REDIS_KEY_PREFIX: `${prefix}:`,
    EMOTION_GROUP_ID: `${prefix}-emotion`,
    SLA_GROUP_ID: `${prefix}-sla`,
    ROUTER_GROUP_ID: `${prefix}-router`,
    TOPIC_PARTITIONS: '3',
    LOG_LEVEL: 'warn',
    HTTP_HOST: '127.0.0.1',
    ...extra,
  };
}

export interface ServiceProcess {
  app: AppName;
  url: string;
  pid: number;
  output(): string;
  /** Sends the signal and resolves with the exit code once the process has exited. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Runs a service as a real process (as in production) and waits until /health says Kafka and Redis are up. */
export async function startServiceProcess(
  app: AppName, env: Record<string, string>, opts: { timeoutMs?: number; nodeArgs?: string[] } = {},
): Promise<ServiceProcess> {
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const port = await freePort();
  // CX_SERVICE_RUNTIME=dist runs the production build (npm run build), as the benchmark does.
  const entry = process.env.CX_SERVICE_RUNTIME === 'dist' ? [`dist/apps/${app}/main.js`] : ['-r', '@swc-node/register', `apps/${app}/src/main.ts`];
  // e.g. CX_SERVICE_NODE_ARGS="--cpu-prof --cpu-prof-dir=prof" to profile services under a benchmark.
  // opts.nodeArgs: what production puts on the command line (the benchmark passes the ConfigMap's NODE_ARGS).
  const nodeArgs = [...(opts.nodeArgs ?? []), ...(process.env.CX_SERVICE_NODE_ARGS ?? '').split(' ').filter(Boolean)];
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, ...entry], {
    cwd: ROOT,
    env: { ...process.env, ...env, [PORT_VAR[app]]: String(port), NODE_ENV: 'test' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const keep = (b: Buffer) => { out = (out + b.toString()).slice(-20_000); };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  // CX_TEST_LOG_DIR=/tmp/logs keeps every service's whole output (the last 20 kB stay in memory anyway).
  if (process.env.CX_TEST_LOG_DIR) {
    const file = createWriteStream(join(process.env.CX_TEST_LOG_DIR, `${app}-${child.pid}.log`));
    child.stdout!.pipe(file);
    child.stderr!.pipe(file);
  }
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  const svc: ServiceProcess = {
    app, url, pid: child.pid!,
    output: () => out,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      // A service that hangs on SIGTERM must not hang the test run: say so, then kill it.
      const hung = setTimeout(() => {
        process.stderr.write(`${app} (pid ${child.pid}) still running ${STOP_GRACE_MS} ms after ${signal}; killing it\n${out.slice(-3000)}\n`);
        child.kill('SIGKILL');
      }, STOP_GRACE_MS);
      const code = await exited;
      clearTimeout(hung);
      return code;
    },
  };
  try {
    await waitFor(`${app} health`, async () => {
      if (child.exitCode !== null) throw new Error(`${app} exited with ${child.exitCode}: ${out.slice(-2000)}`);
      const r = await fetch(`${url}/health`).catch(() => undefined);
      return r?.status === 200;
    }, timeoutMs, 200);
  } catch (e) {
    await svc.stop('SIGKILL');
    throw e;
  }
  return svc;
}
