// Runs the gateway as a real process for integration tests and the benchmark (like the services
// in test/support/service-process.ts), with a connectors file of generated secrets.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../../../test/support/service-process';
import { waitFor } from '../../../../test/support/wait-for';

const ROOT = join(__dirname, '..', '..', '..', '..');

export interface GatewaySecrets {
  chatwoot: string; zendesk: string; twilioAuthToken: string; amazonConnect: string; cloudevents: string;
}

export interface GatewayProcess {
  url: string;
  pid: number;
  tenant: string;
  secrets: GatewaySecrets;
  /** The base URL Twilio "calls" (publicUrl), which its signatures cover. */
  publicUrl: string;
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export function generatedSecrets(): GatewaySecrets {
  const s = () => randomBytes(18).toString('base64url');
  return { chatwoot: s(), zendesk: s(), twilioAuthToken: randomBytes(16).toString('hex'), amazonConnect: s(), cloudevents: s() };
}

export async function startGatewayProcess(env: Record<string, string>, tenant = 'default', timeoutMs = 60_000): Promise<GatewayProcess> {
  const port = await freePort();
  const secrets = generatedSecrets();
  const publicUrl = `http://127.0.0.1:${port}`;
  const dir = mkdtempSync(join(tmpdir(), 'cx-gateway-'));
  const file = join(dir, 'connectors.json');
  writeFileSync(file, JSON.stringify({
    tenants: {
      [tenant]: {
        chatwoot: { secret: secrets.chatwoot }, zendesk: { secret: secrets.zendesk },
        twilio: { authToken: secrets.twilioAuthToken, publicUrl }, 'amazon-connect': { token: secrets.amazonConnect }, cloudevents: { token: secrets.cloudevents },
      },
    },
  }));
  const entry = process.env.CX_SERVICE_RUNTIME === 'dist' ? ['dist/apps/ingest-gateway/main.js'] : ['-r', '@swc-node/register', 'apps/ingest-gateway/src/main.ts'];
  // e.g. CX_SERVICE_NODE_ARGS="--prof" to profile the gateway under the benchmark.
  const nodeArgs = (process.env.CX_SERVICE_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, ...entry], {
    cwd: ROOT, env: { ...process.env, ...env, GATEWAY_PORT: String(port), GATEWAY_CONNECTORS_FILE: file, NODE_ENV: 'test' }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const keep = (b: Buffer) => { out = (out + b.toString()).slice(-20_000); };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  const gw: GatewayProcess = {
    url, pid: child.pid!, tenant, secrets, publicUrl, output: () => out,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
  try {
    await waitFor('ingest-gateway health', async () => {
      if (child.exitCode !== null) throw new Error(`ingest-gateway exited with ${child.exitCode}: ${out.slice(-2000)}`);
      return (await fetch(`${url}/health`).catch(() => undefined))?.status === 200;
    }, timeoutMs, 200);
  } catch (e) {
    await gw.stop('SIGKILL');
    throw e;
  }
  return gw;
}
