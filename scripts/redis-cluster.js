// A 3-master Redis Cluster from Debian's redis-server, for the cluster tier and its fault tests:
// three cluster-enabled nodes (AOF on, like the single Redis), joined with
// `redis-cli --cluster create` the first time and rejoining from their nodes.conf afterwards.
// Idempotent like infra.js: `up` reuses nodes that answer, `down` stops only recorded pids.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const infra = require('./infra.js');

const { HOST, log, run, have, aptInstall, readPid, alive, waitFor, stopPid, writeRecord, readRecord, recordFile } = infra.util;
const DIR = path.join(infra.INFRA, 'redis-cluster');
const BASE = Number(process.env.REDIS_CLUSTER_BASE_PORT || 7001);
const PORTS = [BASE, BASE + 1, BASE + 2];
// A master that stops answering is marked failed after this long; with no replicas there is no
// failover, and with full coverage off the other masters keep serving their slots meanwhile.
const NODE_TIMEOUT_MS = 3000;

const nodeDir = (port) => path.join(DIR, String(port));
const addr = (port) => `${HOST}:${port}`;

function argvFor(port) {
  const dir = nodeDir(port);
  return [
    '--bind', HOST, '--port', String(port), '--daemonize', 'yes', '--dir', dir,
    '--pidfile', path.join(dir, 'redis.pid'), '--logfile', path.join(dir, 'redis.log'),
    '--appendonly', 'yes', '--appendfsync', 'everysec', '--save', '', '--protected-mode', 'yes',
    '--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf',
    '--cluster-node-timeout', String(NODE_TIMEOUT_MS), '--cluster-require-full-coverage', 'no',
  ];
}

async function command(port, ...args) {
  const Redis = require('ioredis');
  const c = new Redis({ host: HOST, port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 1000 });
  c.on('error', () => {}); // the caller sees the failure as the rejected command
  try { await c.connect(); return await c.call(...args); } finally { c.disconnect(); }
}

async function clusterInfo(port) {
  const text = String(await command(port, 'CLUSTER', 'INFO'));
  return Object.fromEntries(text.split(/\r?\n/).filter(Boolean).map((l) => l.split(':')));
}

async function answers(port) {
  try { return (await command(port, 'PING')) === 'PONG'; } catch { return false; }
}

async function startNode(port) {
  fs.mkdirSync(nodeDir(port), { recursive: true });
  const argv = argvFor(port);
  run('redis-server', argv);
  writeRecord('redis-cluster', port, { argv, pidFile: path.join(nodeDir(port), 'redis.pid') });
  await waitFor(`redis cluster node ${port}`, () => answers(port), 30_000);
}

/** True once every node sees three masters covering all 16384 slots, none of them failed. */
async function healthy() {
  for (const port of PORTS) {
    const info = await clusterInfo(port).catch(() => ({}));
    if (info.cluster_state !== 'ok' || info.cluster_known_nodes !== '3') return false;
    if (info.cluster_slots_assigned !== '16384' || info.cluster_slots_ok !== '16384') return false;
  }
  return true;
}

async function create(fresh) {
  if (!fresh) {
    // Nodes left from a half-deleted .infra/ know each other only partly: start them afresh.
    log('redis cluster nodes disagree about the cluster; resetting them');
    for (const port of PORTS) {
      await command(port, 'FLUSHALL');
      await command(port, 'CLUSTER', 'RESET', 'HARD');
    }
  }
  log(`creating redis cluster ${PORTS.map(addr).join(' ')}`);
  run('redis-cli', ['--cluster', 'create', ...PORTS.map(addr), '--cluster-replicas', '0', '--cluster-yes']);
}

/** Starts the nodes that are missing, creates the cluster if needed, resolves once it is ok. */
async function up() {
  if (!have('redis-server')) aptInstall('redis-server');
  if (!have('redis-cli')) aptInstall('redis-tools');
  const started = [];
  for (const port of PORTS) {
    if (await answers(port)) continue;
    await startNode(port);
    started.push(port);
  }
  const infos = await Promise.all(PORTS.map(clusterInfo));
  const fresh = infos.every((i) => i.cluster_known_nodes === '1' && i.cluster_slots_assigned === '0');
  // Nodes restarted from their nodes.conf need a moment to find each other before they agree.
  const joined = !fresh && (await waitFor('redis cluster rejoined', healthy, 15_000).then(() => true, () => false));
  if (!joined) {
    await create(fresh);
    await waitFor('redis cluster state ok', healthy, 30_000);
  }
  return { nodes: PORTS.map(addr), started };
}

async function down() {
  const stopped = [];
  for (const port of PORTS) {
    if (await stopPid(path.join(nodeDir(port), 'redis.pid'), `redis ${port}`)) stopped.push(port);
  }
  return stopped;
}

function record(port) {
  if (!PORTS.includes(port)) throw new Error(`${port} is not a redis cluster port (${PORTS.join(', ')})`);
  const rec = readRecord('redis-cluster', port);
  if (!rec) throw new Error(`no record of how redis cluster node ${port} was started (${recordFile('redis-cluster', port)})`);
  return rec;
}

/**
 * Stops one master (SIGTERM: it writes its AOF and exits; SIGKILL: a crash) and resolves once it
 * no longer answers. Its slots are unavailable until startNode brings it back.
 */
async function stopNode(port, { signal = 'SIGTERM' } = {}) {
  const rec = record(port);
  const pid = readPid(rec.pidFile);
  if (!pid || !alive(pid)) throw new Error(`redis cluster node ${port} is not running`);
  process.kill(pid, signal);
  await waitFor(`redis cluster node ${port} stopped`, () => !alive(pid), 30_000);
  fs.rmSync(rec.pidFile, { force: true });
}

/** Starts a stopped master again with its data and nodes.conf; resolves once the cluster is ok. */
async function restartNode(port) {
  const rec = record(port);
  if (await answers(port)) throw new Error(`redis cluster node ${port} is already running`);
  run('redis-server', rec.argv);
  await waitFor(`redis cluster node ${port}`, () => answers(port), 30_000);
  await waitFor('redis cluster state ok', healthy, 30_000);
}

module.exports = { up, down, stopNode, restartNode, healthy, clusterInfo, PORTS, DIR, nodes: () => PORTS.map(addr) };
