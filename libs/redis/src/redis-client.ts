/*
 * The one way a service connects to Redis: a single node (REDIS_URL), a Redis Cluster
 * (REDIS_CLUSTER_NODES) or a Sentinel-managed primary (REDIS_SENTINELS). Every client has an error
 * handler (an unhandled ioredis error event is a crash waiting to happen) and auto-pipelining, so
 * the commands one unit of work issues in the same tick travel in one round trip per node: the
 * runtime never needs an explicit pipeline, which Redis Cluster restricts to one slot.
 */
import { Logger } from '@nestjs/common';
import Redis, { Cluster, type RedisOptions as IoRedisOptions } from 'ioredis';
import { COMMIT_SCRIPT } from './commit-script';
import { LEASE_CLAIM_ALL_SCRIPT, LEASE_CLAIM_SCRIPT } from './lease-queue';
import { defineScripts, isClusterClient, type ScriptDefinition } from './script-definitions';

export { defineScripts, isClusterClient, type ScriptDefinition };

/** The runtime's own Lua commands, on every client: the commit script and the lease claims. */
export const RUNTIME_SCRIPTS: readonly ScriptDefinition[] = [COMMIT_SCRIPT, LEASE_CLAIM_SCRIPT, LEASE_CLAIM_ALL_SCRIPT];

/** A single-node, Sentinel or Cluster client: the commands the runtime uses exist on all three. */
export type RedisClient = Redis | Cluster;

export interface RedisConnection {
  url: string;
  /** `host:port` seeds of a Redis Cluster; when set, `url` only contributes credentials and TLS. */
  clusterNodes?: string[];
  /** `host:port` of Sentinels and the name of the primary they watch. */
  sentinels?: string[];
  sentinelMaster?: string;
}

const hostPort = (s: string) => {
  const i = s.lastIndexOf(':');
  return { host: s.slice(0, i), port: Number(s.slice(i + 1)) };
};

/** Lua commands whose first argument is their key count (defined without `numberOfKeys`). */
export const DYNAMIC_KEY_COMMANDS = RUNTIME_SCRIPTS.filter((s) => s.numberOfKeys === undefined).map((s) => s.name);

function baseOptions(conn: RedisConnection, name: string): IoRedisOptions {
  const u = new URL(conn.url);
  return {
    // Commands wait through a short outage; the runtime's retry loop bounds the wait.
    maxRetriesPerRequest: 2,
    enableOfflineQueue: true,
    enableAutoPipelining: true,
    retryStrategy: (times) => Math.min(100 * 2 ** Math.min(times, 6), 5000),
    connectionName: name,
    username: u.username ? decodeURIComponent(u.username) : undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    tls: u.protocol === 'rediss:' ? {} : undefined,
  };
}

/** Reports connection errors once per change (an outage would flood the log otherwise). */
export function watchErrors(client: RedisClient, name: string): RedisClient {
  const logger = new Logger(`redis:${name}`);
  let lastError = '';
  client.on('error', (e: Error) => {
    if (e.message !== lastError) logger.warn(`connection error: ${e.message}`);
    lastError = e.message;
  });
  client.on('ready', () => { if (lastError) logger.log('reconnected'); lastError = ''; });
  return client;
}

export function createRedis(conn: RedisConnection, name: string, scripts: readonly ScriptDefinition[] = []): RedisClient {
  const options = baseOptions(conn, name);
  let client: RedisClient;
  if (conn.clusterNodes?.length) {
    client = new Cluster(conn.clusterNodes.map(hostPort), {
      redisOptions: options,
      enableAutoPipelining: true,
      // Auto-pipelining groups a command by the slot of its first argument, which for the commit
      // script is its key count, not a key: commits of different nodes then shared a pipeline and
      // failed it ("All keys in the pipeline should belong to the same slots allocation group"),
      // with every command queued beside them. Sent on their own, they are routed by their keys.
      autoPipeliningIgnoredCommands: [...DYNAMIC_KEY_COMMANDS],
      enableOfflineQueue: true,
      clusterRetryStrategy: (times) => Math.min(100 * 2 ** Math.min(times, 6), 5000),
      slotsRefreshTimeout: 2000,
    });
  } else if (conn.sentinels?.length) {
    client = new Redis({ ...options, sentinels: conn.sentinels.map(hostPort), name: conn.sentinelMaster ?? 'mymaster' });
  } else {
    client = new Redis(conn.url, options);
  }
  defineRuntimeScripts(client);
  defineScripts(client, scripts);
  return watchErrors(client, name);
}

/** Defines the runtime's Lua commands (script-definitions.ts: before the client issues any command). */
export function defineRuntimeScripts(client: RedisClient): void {
  defineScripts(client, RUNTIME_SCRIPTS);
}

/** A second connection of the same kind (pub/sub needs its own), with the same error handling. */
export function duplicateClient(client: RedisClient, name: string): RedisClient {
  const copy = client.duplicate() as RedisClient;
  defineRuntimeScripts(copy);
  return watchErrors(copy, name);
}
