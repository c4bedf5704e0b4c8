// Starts and stops the project's real infrastructure without Docker: an Apache Kafka 3.9 broker in
// KRaft mode (jars from Maven Central, run on the machine's JDK) and Debian's redis-server.
// Idempotent: `up` reuses whatever already answers on the ports, `down` stops only what it started
// (by the pids it recorded). Data lives under .infra/ (git-ignored).
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const net = require('node:net');
const crypto = require('node:crypto');

const ROOT = path.join(__dirname, '..');
const INFRA = process.env.CX_INFRA_DIR || path.join(ROOT, '.infra');
const KAFKA_DIR = path.join(INFRA, 'kafka');
const REDIS_DIR = path.join(INFRA, 'redis');
const HOST = '127.0.0.1';
const KAFKA_PORT = Number(process.env.KAFKA_PORT || 9092);
const CONTROLLER_PORT = Number(process.env.KAFKA_CONTROLLER_PORT || KAFKA_PORT + 1);
const REDIS_PORT = Number(process.env.REDIS_PORT || 6379);
// A third listener for fault tests: Toxiproxy listens on KAFKA_PROXY_PORT and forwards to
// KAFKA_PROXIED_PORT; the broker advertises the proxy's port on it, so a client that bootstraps
// through the proxy is told to keep using the proxy (PLAINTEXT on 9092 is untouched).
const PROXIED_PORT = Number(process.env.KAFKA_PROXIED_PORT || KAFKA_PORT + 2);
const PROXY_PORT = Number(process.env.KAFKA_PROXY_PORT || KAFKA_PORT + 3);

const log = (msg) => process.stderr.write(`infra: ${msg}\n`);

// Where the running broker/Redis came from (command line, pid), kept outside any checkout so a
// test in another clone can restart the very processes it is using (fault tests).
const recordFile = (name, port) => path.join(require('node:os').tmpdir(), `cx-infra-${name}-${port}.json`);
function writeRecord(name, port, rec) { fs.writeFileSync(recordFile(name, port), JSON.stringify(rec)); }
function readRecord(name, port) {
  try { return JSON.parse(fs.readFileSync(recordFile(name, port), 'utf8')); } catch { return undefined; }
}

function portOpen(port, host = HOST, timeoutMs = 500) {
  return new Promise((resolve) => {
    const s = net.connect({ port, host });
    const done = (ok) => { s.destroy(); resolve(ok); };
    s.setTimeout(timeoutMs, () => done(false));
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', ...opts });
  if (r.error || r.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} failed (${r.error ? r.error.message : 'exit ' + r.status}): ${(r.stderr || r.stdout || '').slice(-2000)}`);
  }
  return r.stdout;
}

function have(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

function aptInstall(pkg) {
  log(`installing ${pkg} with apt-get`);
  const apt = ['-y', '-q', 'install', pkg];
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const first = spawnSync('apt-get', apt, { stdio: 'ignore', env });
  if (first.status === 0) return;
  run('apt-get', ['update', '-q'], { env });
  run('apt-get', apt, { env });
}

function readPid(file) {
  try { return Number(fs.readFileSync(file, 'utf8').trim()) || undefined; } catch { return undefined; }
}

function alive(pid) {
  try { process.kill(pid, 0); return true; } catch { return false; }
}

async function waitFor(what, check, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let lastError;
  while (Date.now() < deadline) {
    try { if (await check()) return; } catch (e) { lastError = e; }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${what} not ready after ${timeoutMs} ms${lastError ? ': ' + lastError.message : ''}`);
}

// ---------------------------------------------------------------- Redis
async function redisUp() {
  if (await portOpen(REDIS_PORT)) return { started: false };
  if (!have('redis-server')) aptInstall('redis-server');
  fs.mkdirSync(REDIS_DIR, { recursive: true });
  const pidFile = path.join(REDIS_DIR, 'redis.pid');
  // AOF on, so SLA timers survive a Redis restart; RDB snapshots off to keep the disk quiet.
  const argv = [
    '--bind', HOST, '--port', String(REDIS_PORT), '--daemonize', 'yes', '--dir', REDIS_DIR,
    '--pidfile', pidFile, '--logfile', path.join(REDIS_DIR, 'redis.log'),
    '--appendonly', 'yes', '--appendfsync', 'everysec', '--save', '', '--protected-mode', 'yes',
  ];
  run('redis-server', argv);
  await redisReady();
  writeRecord('redis', REDIS_PORT, { argv, pidFile });
  return { started: true };
}

async function redisReady() {
  const Redis = require('ioredis');
  await waitFor('redis', async () => {
    const c = new Redis({ host: HOST, port: REDIS_PORT, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    try { await c.connect(); return (await c.ping()) === 'PONG'; } finally { c.disconnect(); }
  }, 30_000);
}

// ---------------------------------------------------------------- Kafka
function kafkaLibs() {
  const libs = path.join(KAFKA_DIR, 'libs');
  if (fs.existsSync(libs) && fs.readdirSync(libs).some((f) => f.startsWith('kafka_2.13-3.9'))) return libs;
  if (!have('java')) aptInstall('openjdk-17-jre-headless');
  if (!have('mvn')) aptInstall('maven');
  log('fetching Kafka 3.9.1 jars from Maven Central (first run only)');
  run('mvn', ['-q', '-B', '-f', path.join(ROOT, 'deploy/kafka/pom.xml'), 'dependency:copy-dependencies', `-DoutputDirectory=${libs}`]);
  return libs;
}

function kafkaConfig() {
  const conf = path.join(KAFKA_DIR, 'server.properties');
  const lines = [
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@${HOST}:${CONTROLLER_PORT}`,
    `listeners=PLAINTEXT://${HOST}:${KAFKA_PORT},CONTROLLER://${HOST}:${CONTROLLER_PORT},PROXIED://${HOST}:${PROXIED_PORT}`,
    `advertised.listeners=PLAINTEXT://${HOST}:${KAFKA_PORT},PROXIED://${HOST}:${PROXY_PORT}`,
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    'listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,PROXIED:PLAINTEXT',
    `log.dirs=${path.join(KAFKA_DIR, 'data')}`,
    'num.partitions=6',
    'offsets.topic.replication.factor=1',
    'offsets.topic.num.partitions=10',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'group.initial.rebalance.delay.ms=0',
    'auto.create.topics.enable=true',
    'log.retention.hours=24',
    'log.segment.bytes=67108864',
  ];
  fs.writeFileSync(conf, lines.join('\n') + '\n');
  return conf;
}

async function kafkaAdminReady() {
  const { Kafka, logLevel } = require('kafkajs');
  const admin = new Kafka({ clientId: 'infra-check', brokers: [`${HOST}:${KAFKA_PORT}`], logLevel: logLevel.NOTHING, retry: { retries: 0 } }).admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    await admin.listTopics();
    return cluster.brokers.length > 0;
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

async function kafkaUp() {
  if (await portOpen(KAFKA_PORT)) {
    await waitFor('kafka', kafkaAdminReady, 60_000);
    return { started: false };
  }
  fs.mkdirSync(KAFKA_DIR, { recursive: true });
  const libs = kafkaLibs();
  const conf = kafkaConfig();
  const cp = `${libs}/*`;
  const logsDir = path.join(KAFKA_DIR, 'logs');
  fs.mkdirSync(logsDir, { recursive: true });
  const jvmLog = [`-Dlog4j.configuration=file:${path.join(ROOT, 'deploy/kafka/log4j.properties')}`, `-Dkafka.logs.dir=${logsDir}`];
  if (!fs.existsSync(path.join(KAFKA_DIR, 'data', 'meta.properties'))) {
    const clusterId = crypto.randomBytes(16).toString('base64url');
    run('java', [...jvmLog, '-cp', cp, 'kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', conf]);
  }
  const argv = [
    '-Xms256m', '-Xmx768m', '-XX:+UseG1GC', '-XX:MaxGCPauseMillis=20', '-Djava.awt.headless=true',
    ...jvmLog, '-cp', cp, 'kafka.Kafka', conf,
  ];
  await spawnKafka({ argv, logsDir, pidFile: path.join(KAFKA_DIR, 'kafka.pid') });
  return { started: true };
}

async function spawnKafka(rec) {
  const out = fs.openSync(path.join(rec.logsDir, 'stdout.log'), 'a');
  const child = spawn('java', rec.argv, { detached: true, stdio: ['ignore', out, out] });
  child.unref();
  fs.writeFileSync(rec.pidFile, String(child.pid));
  writeRecord('kafka', KAFKA_PORT, rec);
  await waitFor('kafka', async () => {
    if (!alive(child.pid)) throw new Error(`broker exited; see ${rec.logsDir}/stdout.log and server.log`);
    return (await portOpen(KAFKA_PORT)) && kafkaAdminReady();
  }, 120_000);
}

/**
 * Stops the running broker or Redis (whoever started it) and starts it again with the same
 * command line and data, for fault tests. Resolves once it answers again.
 */
async function restart(name, { downMs = 0 } = {}) {
  const port = name === 'kafka' ? KAFKA_PORT : REDIS_PORT;
  const rec = readRecord(name, port);
  if (!rec) throw new Error(`no record of how ${name} on port ${port} was started (${recordFile(name, port)})`);
  await stopPid(rec.pidFile, name);
  await waitFor(`${name} port closed`, async () => !(await portOpen(port)), 30_000);
  if (downMs) await new Promise((r) => setTimeout(r, downMs));
  if (name === 'kafka') await spawnKafka(rec);
  else { run('redis-server', rec.argv); await redisReady(); }
}

async function stopPid(pidFile, name) {
  const pid = readPid(pidFile);
  if (!pid || !alive(pid)) { fs.rmSync(pidFile, { force: true }); return false; }
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + 30_000;
  while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  if (alive(pid)) { log(`${name} did not stop in 30 s; killing`); process.kill(pid, 'SIGKILL'); }
  fs.rmSync(pidFile, { force: true });
  return true;
}

/** Where Toxiproxy must listen and forward to so that clients of the single broker go through it. */
function kafkaProxyListener() {
  return { listen: `${HOST}:${PROXY_PORT}`, upstream: `${HOST}:${PROXIED_PORT}` };
}

/** Starts what is missing; returns the addresses and what this call started. */
async function up() {
  const [redis, kafka] = [await redisUp(), await kafkaUp()];
  return {
    brokers: `${HOST}:${KAFKA_PORT}`,
    redisUrl: `redis://${HOST}:${REDIS_PORT}`,
    startedKafka: kafka.started,
    startedRedis: redis.started,
  };
}

async function down({ kafka = true, redis = true } = {}) {
  const stopped = [];
  if (kafka && (await stopPid(path.join(KAFKA_DIR, 'kafka.pid'), 'kafka'))) stopped.push('kafka');
  if (redis && (await stopPid(path.join(REDIS_DIR, 'redis.pid'), 'redis'))) stopped.push('redis');
  return stopped;
}

module.exports = {
  up, down, restart, portOpen, INFRA, KAFKA_DIR, REDIS_DIR, kafkaLibs, kafkaProxyListener,
  // Process and wait helpers shared with cluster-infra.js and tools.js, so the three scripts start,
  // record and stop processes the same way.
  util: { HOST, log, run, have, aptInstall, readPid, alive, waitFor, stopPid, writeRecord, readRecord, recordFile },
};

if (require.main === module) {
  const cmd = process.argv[2];
  const main = async () => {
    if (cmd === 'up') {
      const r = await up();
      log(`kafka ${r.brokers} (${r.startedKafka ? 'started' : 'already running'}), redis ${r.redisUrl} (${r.startedRedis ? 'started' : 'already running'})`);
    } else if (cmd === 'down') {
      const stopped = await down();
      if (process.argv.includes('--purge')) fs.rmSync(INFRA, { recursive: true, force: true });
      log(stopped.length ? `stopped ${stopped.join(', ')}` : 'nothing of ours was running');
    } else {
      log('usage: node scripts/infra.js up|down [--purge]');
      process.exit(2);
    }
  };
  main().catch((e) => { log(e.message); process.exit(1); });
}
