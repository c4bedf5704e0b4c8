import { hostname } from 'node:os';
import { z } from 'zod';
import { otelEnvShape } from './otel-env';

/** A bad setting stops start-up with a message that names the variable. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

const hostPort = /^[A-Za-z0-9.\-[\]:]+:\d{1,5}$/;
const hostPortList = z.string()
  .refine((v) => v.split(',').every((b) => hostPort.test(b.trim())), 'must be a comma-separated list of host:port')
  .transform((v) => v.split(',').map((b) => b.trim()));

export const BaseEnv = z.object({
  KAFKA_BROKERS: z.string().default('127.0.0.1:9092')
    .refine((v) => v.split(',').every((b) => hostPort.test(b.trim())), 'must be a comma-separated list of host:port'),
  REDIS_URL: z.string().default('redis://127.0.0.1:6379')
    .refine((v) => /^rediss?:\/\//.test(v), 'must start with redis:// or rediss://'),
  /** Seeds of a Redis Cluster (`host:port,...`); REDIS_URL then only gives credentials and TLS. */
  REDIS_CLUSTER_NODES: hostPortList.optional(),
  /** Sentinels (`host:port,...`) watching the primary REDIS_SENTINEL_MASTER. */
  REDIS_SENTINELS: hostPortList.optional(),
  REDIS_SENTINEL_MASTER: z.string().min(1).default('mymaster'),
  /**
   * Shards (hash tags, so Redis Cluster slots) of each service's keys: every key of one
   * conversation or customer is in one shard. Fixed for the life of the data.
   */
  REDIS_SHARDS: z.coerce.number().int().min(1).max(1024).default(32),
  /** Prefixes every topic name; lets tests and shared clusters run side by side. */
  TOPIC_PREFIX: z.string().regex(/^[A-Za-z0-9._-]*$/, 'only letters, digits, ".", "_" and "-"').default(''),
  REDIS_KEY_PREFIX: z.string().regex(/^[A-Za-z0-9._:-]*$/, 'only letters, digits, ".", "_", ":" and "-"').default(''),
  TOPIC_PARTITIONS: z.coerce.number().int().min(1).max(1000).default(6),
  /** Replication factor of the topics the services create; -1: the brokers' default.replication.factor. */
  TOPIC_REPLICATION_FACTOR: z.coerce.number().int().min(-1).max(10).refine((n) => n !== 0, 'must be -1 or at least 1').default(-1),
  /** Publish from a worker thread (KafkaPublishWorker) instead of the event loop. */
  KAFKA_PUBLISH_WORKER: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  /**
   * Partition batches of one fetch processed together as one unit (one produce, one MULTI, one
   * commit). At least the partitions an instance owns, so a fetch is never split into rounds.
   */
  KAFKA_PARTITION_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(64),
  /**
   * Broker-side batching: a fetch waits for this many bytes, but at most KAFKA_FETCH_MAX_WAIT_MS.
   * With 1 byte the consumer fetched again the moment anything arrived, so at 2,000 events/s it
   * processed ~200 batches of ~10 messages a second and spent its CPU on per-batch round trips;
   * 64 KB / 20 ms bounds the added latency per hop and cut CPU per service by a fifth. 50 ms took
   * 8 % more off (461 vs 499 µs per event, 2026-12-01, two 60 s runs each) for ~27 ms more p50: the
   * default stays with latency.
   */
  KAFKA_FETCH_MIN_BYTES: z.coerce.number().int().min(1).max(16 * 2 ** 20).default(65_536),
  KAFKA_FETCH_MAX_WAIT_MS: z.coerce.number().int().min(1).max(10_000).default(20),
  /**
   * Upper bound of one fetch, and so of one processing unit (a fetch is processed as one): 10 MB
   * units took 420 MB RSS while draining a backlog.
   */
  KAFKA_FETCH_MAX_BYTES: z.coerce.number().int().min(65_536).max(64 * 2 ** 20).default(2 * 2 ** 20),
  /**
   * A fetch larger than this many messages (a backlog) is run as consecutive slices of this size,
   * yielding to the event loop between them: a unit of 5,000 messages held the loop and Redis for
   * seconds, so /health and /metrics went unanswered just when a service fell behind.
   */
  /**
   * Offsets are committed at most this often (ms), always after the units' effects are durable;
   * 0 commits every unit. An OffsetCommit cost ~435 µs of a service's CPU and ~700 µs of the
   * broker's here, ~50 a second per service at 2,000 events/s. A crash or rebalance replays at
   * most this much input, which de-duplication absorbs; committed-offset lag reads up to this much
   * higher.
   */
  KAFKA_COMMIT_INTERVAL_MS: z.coerce.number().int().min(0).max(60_000).default(250),
  UNIT_MAX_MESSAGES: z.coerce.number().int().min(1).max(100_000).default(400),
  HTTP_HOST: z.string().default('0.0.0.0'),
  LOG_LEVEL: z.enum(['error', 'warn', 'log', 'debug', 'verbose']).default('log'),
  /** How long processed CloudEvent ids are remembered for de-duplication. */
  DEDUPE_TTL_SECONDS: z.coerce.number().int().min(60).default(7 * 24 * 3600),
  INSTANCE_ID: z.string().min(1).default(`${hostname()}-${process.pid}`),
  ...otelEnvShape,
});
export type BaseEnv = z.infer<typeof BaseEnv>;

/** Validates the environment against `schema`; throws ConfigError naming each bad variable. */
export function loadEnv<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`);
  throw new ConfigError(`invalid configuration: ${problems.join('; ')}`);
}

/** Hides credentials in a URL before it is logged. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^@/]*)@/, '//***@');
}

export function brokersOf(env: BaseEnv): string[] {
  return env.KAFKA_BROKERS.split(',').map((b) => b.trim());
}

/** The Redis connection the environment describes: single node, Cluster or Sentinel. */
export function redisConnectionOf(env: BaseEnv): { url: string; clusterNodes?: string[]; sentinels?: string[]; sentinelMaster?: string } {
  return { url: env.REDIS_URL, clusterNodes: env.REDIS_CLUSTER_NODES, sentinels: env.REDIS_SENTINELS, sentinelMaster: env.REDIS_SENTINEL_MASTER };
}

/** A port variable with a default, for each service's own schema. */
export const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);
