// A 3-broker KRaft Kafka cluster from the same Maven Central jars as the single broker, for the
// cluster tier: every node is broker and controller (3 voters), topics default to replication
// factor 3 with min.insync.replicas 2, so one broker can be killed -9 mid-load and acks=all keeps
// working. Each broker also has a PROXIED listener that advertises a Toxiproxy port (see
// docs/infrastructure.md). Idempotent like infra.js; data under .infra/kafka-cluster/.
'use strict';
const { spawn } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const infra = require('./infra.js');

const { HOST, log, run, readPid, alive, waitFor, stopPid, writeRecord, readRecord, recordFile } = infra.util;
const ROOT = path.join(__dirname, '..');
const DIR = path.join(infra.INFRA, 'kafka-cluster');
const BASE = Number(process.env.KAFKA_CLUSTER_BASE_PORT || 9192);
const IDS = [1, 2, 3];
// Per broker N (1..3): clients on BASE+N-1, the controller quorum on BASE+100+N-1, the proxied
// listener on BASE+200+N-1, advertised as the Toxiproxy port BASE+300+N-1.
const port = (id, offset = 0) => BASE + offset + id - 1;
const brokerAddr = (id) => `${HOST}:${port(id)}`;
const proxyTarget = (id) => ({ listen: `${HOST}:${port(id, 300)}`, upstream: `${HOST}:${port(id, 200)}` });
const nodeDir = (id) => path.join(DIR, `broker-${id}`);
const pidFile = (id) => path.join(nodeDir(id), 'kafka.pid');

function config(id) {
  const dir = nodeDir(id);
  const lines = [
    'process.roles=broker,controller',
    `node.id=${id}`,
    `controller.quorum.voters=${IDS.map((i) => `${i}@${HOST}:${port(i, 100)}`).join(',')}`,
    `listeners=PLAINTEXT://${brokerAddr(id)},CONTROLLER://${HOST}:${port(id, 100)},PROXIED://${proxyTarget(id).upstream}`,
    `advertised.listeners=PLAINTEXT://${brokerAddr(id)},PROXIED://${proxyTarget(id).listen}`,
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    'listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,PROXIED:PLAINTEXT',
    `log.dirs=${path.join(dir, 'data')}`,
    'num.partitions=6',
    'default.replication.factor=3',
    'min.insync.replicas=2',
    'unclean.leader.election.enable=false',
    'offsets.topic.replication.factor=3',
    'offsets.topic.num.partitions=10',
    'transaction.state.log.replication.factor=3',
    'transaction.state.log.min.isr=2',
    'group.initial.rebalance.delay.ms=0',
    'auto.create.topics.enable=true',
    // A killed broker is fenced (and dropped from every ISR) within seconds instead of 9-30 s.
    'broker.heartbeat.interval.ms=1000',
    'broker.session.timeout.ms=4000',
    'replica.lag.time.max.ms=10000',
    // Few threads: three brokers share two cores with the services under test.
    'num.network.threads=2',
    'num.io.threads=2',
    'num.replica.fetchers=1',
    'background.threads=2',
    'log.retention.hours=24',
    'log.segment.bytes=67108864',
  ];
  const conf = path.join(dir, 'server.properties');
  fs.writeFileSync(conf, lines.join('\n') + '\n');
  return conf;
}

function jvmLog(id) {
  const logsDir = path.join(nodeDir(id), 'logs');
  fs.mkdirSync(logsDir, { recursive: true });
  return { logsDir, flags: [`-Dlog4j.configuration=file:${path.join(ROOT, 'deploy/kafka/log4j.properties')}`, `-Dkafka.logs.dir=${logsDir}`] };
}

/** The cluster id every node is formatted with: kept, so a node whose data was removed rejoins. */
function clusterId() {
  const file = path.join(DIR, 'cluster.id');
  if (!fs.existsSync(file)) fs.writeFileSync(file, crypto.randomBytes(16).toString('base64url'));
  return fs.readFileSync(file, 'utf8').trim();
}

function prepare(id, libs) {
  fs.mkdirSync(nodeDir(id), { recursive: true });
  const conf = config(id);
  const { logsDir, flags } = jvmLog(id);
  const cp = `${libs}/*`;
  if (!fs.existsSync(path.join(nodeDir(id), 'data', 'meta.properties'))) {
    run('java', [...flags, '-cp', cp, 'kafka.tools.StorageTool', 'format', '-t', clusterId(), '-c', conf]);
  }
  // Small heaps and C1 only: startup on two shared cores is mostly JIT time, and test traffic is light.
  const argv = [
    '-Xms128m', '-Xmx384m', '-XX:+UseG1GC', '-XX:MaxGCPauseMillis=20', '-XX:TieredStopAtLevel=1',
    '-Djava.awt.headless=true', ...flags, '-cp', cp, 'kafka.Kafka', conf,
  ];
  return { argv, logsDir, pidFile: pidFile(id) };
}

function spawnBroker(id, rec) {
  const out = fs.openSync(path.join(rec.logsDir, 'stdout.log'), 'a');
  const child = spawn('java', rec.argv, { detached: true, stdio: ['ignore', out, out] });
  child.unref();
  fs.closeSync(out);
  fs.writeFileSync(rec.pidFile, String(child.pid));
  writeRecord('kafka-cluster', port(id), rec);
  return child.pid;
}

function admin(brokers) {
  const { Kafka, logLevel } = require('kafkajs');
  return new Kafka({ clientId: 'infra-cluster-check', brokers, logLevel: logLevel.NOTHING, retry: { retries: 0 }, connectionTimeout: 1000 }).admin();
}

/** Node ids of the brokers that the cluster currently lists (asked through any live broker). */
async function liveBrokers() {
  for (const id of IDS) {
    const a = admin([brokerAddr(id)]);
    try {
      await a.connect();
      const { brokers } = await a.describeCluster();
      return brokers.map((b) => b.nodeId).sort();
    } catch { /* try the next broker */ } finally { await a.disconnect().catch(() => {}); }
  }
  return [];
}

async function waitForBrokers(ids, pids, timeoutMs = 120_000) {
  await waitFor(`kafka cluster brokers ${ids.join(',')}`, async () => {
    for (const [id, pid] of pids) if (!alive(pid)) throw new Error(`broker ${id} exited; see ${nodeDir(id)}/logs/server.log`);
    const live = await liveBrokers();
    return ids.every((id) => live.includes(id));
  }, timeoutMs);
}

/**
 * Asks for a group coordinator once all three brokers are up, so that __consumer_offsets (RF 3)
 * exists before a fault test takes a broker away; with one broker gone it could not be created.
 */
async function createOffsetsTopic() {
  const a = admin(IDS.map(brokerAddr));
  // A broker is listed as soon as it registers, a moment before its client listener accepts.
  await waitFor('kafka cluster accepting clients', async () => { await a.connect(); return true; }, 30_000);
  try {
    await waitFor('__consumer_offsets', async () => {
      await a.describeGroups(['cx-infra-warmup']);
      const { topics } = await a.fetchTopicMetadata({ topics: ['__consumer_offsets'] });
      return topics[0].partitions.length > 0 && topics[0].partitions.every((p) => p.leader >= 0 && p.isr.length === 3);
    }, 60_000);
  } finally { await a.disconnect(); }
}

/** Starts the brokers that are missing; resolves once all three are in the cluster. */
async function up() {
  const missing = [];
  for (const id of IDS) if (!(await infra.portOpen(port(id)))) missing.push(id);
  if (missing.length) {
    const libs = infra.kafkaLibs();
    const pids = missing.map((id) => [id, spawnBroker(id, prepare(id, libs))]);
    await waitForBrokers(IDS, pids);
  } else {
    await waitForBrokers(IDS, []);
  }
  await createOffsetsTopic();
  return { brokers: IDS.map(brokerAddr), started: missing };
}

/** Stops all three together: one at a time, the last would wait for a quorum that is gone. */
async function down() {
  const stopped = await Promise.all(IDS.map((id) => stopPid(pidFile(id), `kafka broker ${id}`)));
  return IDS.filter((_, i) => stopped[i]);
}

function record(id) {
  if (!IDS.includes(id)) throw new Error(`no kafka cluster broker ${id} (${IDS.join(', ')})`);
  const rec = readRecord('kafka-cluster', port(id));
  if (!rec) throw new Error(`no record of how kafka broker ${id} was started (${recordFile('kafka-cluster', port(id))})`);
  return rec;
}

/**
 * Stops broker `id` (SIGKILL by default: a crash, no controlled shutdown) and resolves once the
 * process is gone. The rest of the cluster fences it after broker.session.timeout.ms (4 s).
 */
async function stopBroker(id, { signal = 'SIGKILL' } = {}) {
  const rec = record(id);
  const pid = readPid(rec.pidFile);
  if (!pid || !alive(pid)) throw new Error(`kafka broker ${id} is not running`);
  process.kill(pid, signal);
  await waitFor(`kafka broker ${id} gone`, () => !alive(pid), 60_000);
  fs.rmSync(rec.pidFile, { force: true });
}

/** Starts broker `id` again with the same command line and data; resolves once it has rejoined. */
async function restartBroker(id) {
  const rec = record(id);
  if (await infra.portOpen(port(id))) throw new Error(`kafka broker ${id} is already running`);
  const pid = spawnBroker(id, rec);
  await waitForBrokers([id], [[id, pid]]);
}

module.exports = {
  up, down, stopBroker, restartBroker, liveBrokers, IDS, DIR,
  brokers: () => IDS.map(brokerAddr),
  /** Toxiproxy listen/upstream pairs, one per broker, for its PROXIED listener. */
  proxyTargets: () => IDS.map((id) => ({ id, ...proxyTarget(id) })),
};
