// `npm run stack` / `npm run demo`: local Kafka and Redis (unless KAFKA_BROKERS and REDIS_URL point
// elsewhere), the four services as processes (with the ingestion gateway), a development API key
// and a development connectors file with generated secrets, and with --demo a scripted stream of
// German and English conversations. Ctrl-C stops everything this script started.
'use strict';
const { spawn } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const infra = require('./infra.js');

const ROOT = path.join(__dirname, '..');
const args = new Set(process.argv.slice(2));
const demo = args.has('--demo');
/** Exit once the demo has produced escalations (for smoke tests) instead of running until Ctrl-C. */
const once = args.has('--once') || process.env.DEMO_ONCE === '1';
const log = (msg) => process.stderr.write(`stack: ${msg}\n`);

const PORTS = {
  router: Number(process.env.ROUTER_PORT || 3000),
  'emotion-detector': Number(process.env.EMOTION_PORT || 3001),
  'sla-monitor': Number(process.env.SLA_PORT || 3002),
  'ingest-gateway': Number(process.env.GATEWAY_PORT || 3004),
};
const PORT_VAR = { router: 'ROUTER_PORT', 'emotion-detector': 'EMOTION_PORT', 'sla-monitor': 'SLA_PORT', 'ingest-gateway': 'GATEWAY_PORT' };
const CONNECTORS = ['chatwoot', 'zendesk', 'twilio', 'amazon-connect', 'cloudevents'];

function devKeysFile() {
  if (process.env.ROUTER_API_KEYS_FILE) return { file: process.env.ROUTER_API_KEYS_FILE, key: undefined };
  const file = path.join(infra.INFRA, 'dev-api-keys.json');
  fs.mkdirSync(infra.INFRA, { recursive: true });
  if (!fs.existsSync(file)) {
    const key = `dev-sup-${crypto.randomBytes(18).toString('base64url')}`;
    const entry = { role: 'supervisor', tenant: 'default', teams: ['support', 'billing', 'technical', 'retention', 'voice', 'care-de', 'care-en'], agentId: 'dev-supervisor', name: 'Dev Supervisor' };
    fs.writeFileSync(file, JSON.stringify({ [key]: entry }, null, 2) + '\n', { mode: 0o600 });
  }
  const key = Object.keys(JSON.parse(fs.readFileSync(file, 'utf8')))[0];
  return { file, key };
}

/**
 * The gateway's connectors file (docs/connectors.md): GATEWAY_CONNECTORS_FILE when given, else a
 * development file for tenant "default" (the dev API key's tenant) with generated secrets.
 */
function devConnectorsFile() {
  if (process.env.GATEWAY_CONNECTORS_FILE) return { file: process.env.GATEWAY_CONNECTORS_FILE, generated: undefined };
  const file = path.join(infra.INFRA, 'dev-connectors.json');
  fs.mkdirSync(infra.INFRA, { recursive: true });
  if (!fs.existsSync(file)) {
    const secret = () => crypto.randomBytes(18).toString('base64url');
    const tenants = {
      default: {
        chatwoot: { secret: secret() },
        zendesk: { secret: secret() },
        twilio: { authToken: crypto.randomBytes(16).toString('hex'), publicUrl: `http://127.0.0.1:${PORTS['ingest-gateway']}` },
        'amazon-connect': { token: `dev-connect-${secret()}` },
        cloudevents: { token: `dev-ce-${secret()}` },
      },
    };
    fs.writeFileSync(file, JSON.stringify({ tenants }, null, 2) + '\n', { mode: 0o600 });
  }
  return { file, generated: JSON.parse(fs.readFileSync(file, 'utf8')).tenants.default };
}

function startService(app, env) {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', `apps/${app}/src/main.ts`], {
    cwd: ROOT, env: { ...process.env, ...env, [PORT_VAR[app]]: String(PORTS[app]) }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  const prefix = `[${app}] `;
  const pipe = (stream, out) => {
    let rest = '';
    stream.on('data', (b) => {
      const lines = (rest + b.toString()).split('\n');
      rest = lines.pop();
      for (const l of lines) out.write(prefix + l + '\n');
    });
  };
  pipe(child.stdout, process.stdout);
  pipe(child.stderr, process.stderr);
  return child;
}

async function healthy(app, child, timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${app} exited with code ${child.exitCode}`);
    const ok = await fetch(`http://127.0.0.1:${PORTS[app]}/health`).then((r) => r.status === 200).catch(() => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`${app} not healthy after ${timeoutMs} ms`);
}

async function main() {
  const external = process.env.KAFKA_BROKERS && process.env.REDIS_URL;
  let started = { startedKafka: false, startedRedis: false };
  const env = {};
  if (external) {
    log(`using existing infrastructure: KAFKA_BROKERS=${process.env.KAFKA_BROKERS}`);
  } else {
    started = await infra.up();
    Object.assign(env, { KAFKA_BROKERS: started.brokers, REDIS_URL: started.redisUrl });
    log(`kafka ${started.brokers}, redis ${started.redisUrl}`);
  }
  const keys = devKeysFile();
  env.ROUTER_API_KEYS_FILE = keys.file;
  const connectors = devConnectorsFile();
  env.GATEWAY_CONNECTORS_FILE = connectors.file;
  if (!process.env.SLA_POLICIES_FILE) env.SLA_POLICIES_FILE = path.join(ROOT, demo ? 'deploy/sla/demo-policies.yaml' : 'deploy/sla/policies.example.yaml');
  if (!process.env.ROUTER_CONFIG_FILE && fs.existsSync(path.join(ROOT, 'deploy/router/routing.example.yaml'))) {
    env.ROUTER_CONFIG_FILE = path.join(ROOT, 'deploy/router/routing.example.yaml');
  }

  const children = new Map();
  let stopping = false;
  const stop = async (code) => {
    if (stopping) return;
    stopping = true;
    log('stopping services (draining in-flight batches)...');
    await Promise.all([...children.values()].map((c) => new Promise((r) => {
      if (c.exitCode !== null) return r();
      c.once('exit', r);
      c.kill('SIGTERM');
      setTimeout(() => c.kill('SIGKILL'), 30_000).unref();
    })));
    const stopped = await infra.down({ kafka: started.startedKafka, redis: started.startedRedis });
    if (stopped.length) log(`stopped ${stopped.join(', ')}`);
    process.exit(code);
  };
  process.on('SIGINT', () => stop(0));
  process.on('SIGTERM', () => stop(0));

  try {
    for (const app of ['router', 'emotion-detector', 'sla-monitor', 'ingest-gateway']) children.set(app, startService(app, env));
    for (const [app, child] of children) {
      await healthy(app, child);
      child.once('exit', (code) => { if (!stopping) { log(`${app} exited with code ${code}`); stop(1); } });
    }
  } catch (e) {
    log(e.message);
    return stop(1);
  }

  const url = `http://127.0.0.1:${PORTS.router}/`;
  const gatewayUrl = `http://127.0.0.1:${PORTS['ingest-gateway']}`;
  log('all services healthy');
  const g = connectors.generated;
  const secretsLine = g
    ? `  Secrets:     chatwoot ${g.chatwoot.secret}  zendesk ${g.zendesk.secret}  twilio ${g.twilio.authToken}\n` +
      `               amazon-connect ${g['amazon-connect'].token}  cloudevents ${g.cloudevents.token}   (tenant "default"; file ${path.relative(ROOT, connectors.file)})`
    : `  Connectors:  ${connectors.file}`;
  process.stdout.write([
    '',
    `  Dashboard:   ${url}`,
    keys.key ? `  API key:     ${keys.key}   (supervisor, tenant "default"; file ${path.relative(ROOT, keys.file)})` : `  API keys:    ${keys.file}`,
    `  Gateway:     ${gatewayUrl}/ingest/default/{${CONNECTORS.join('|')}}   (docs/connectors.md)`,
    secretsLine,
    `  Metrics:     http://127.0.0.1:${PORTS.router}/metrics  :${PORTS['emotion-detector']}/metrics  :${PORTS['sla-monitor']}/metrics  :${PORTS['ingest-gateway']}/metrics`,
    `  Live stream: curl -N -H "Authorization: Bearer <key>" http://127.0.0.1:${PORTS.router}/api/stream`,
    '',
  ].join('\n') + '\n');

  if (demo) {
    const brokers = env.KAFKA_BROKERS || process.env.KAFKA_BROKERS;
    const streamer = spawn(process.execPath, ['-r', '@swc-node/register', 'scripts/demo-stream.ts'], {
      cwd: ROOT, stdio: 'inherit',
      env: { ...process.env, KAFKA_BROKERS: brokers, DEMO_ROUTER_URL: url, DEMO_API_KEY: keys.key || '', DEMO_GATEWAY_URL: gatewayUrl, DEMO_CONNECTORS_FILE: connectors.file },
    });
    const code = await new Promise((r) => streamer.once('exit', r));
    if (code !== 0) { log(`demo stream failed with code ${code}`); return stop(1); }
    if (once) return stop(0);
    log('demo stream sent; services keep running. Ctrl-C to stop.');
  } else {
    log('running; Ctrl-C to stop.');
  }
}

main().catch((e) => { log(e.stack || e.message); process.exit(1); });
