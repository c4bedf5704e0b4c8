/*
 * Typed access to the cluster tier's infrastructure for tests: the addresses the cluster
 * globalSetup published, and the faults a test may inject on the real nodes (stop or crash a
 * Redis master, kill -9 a broker) and undo (restart with the same data).
 */
import type { StackTarget } from './stack-fixture';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const clusterInfra = require('../../scripts/cluster-infra.js');

export interface RedisClusterNode {
  host: string;
  port: number;
}

/** The Redis Cluster masters as ioredis `Cluster` start-up nodes (REDIS_CLUSTER_NODES format: host:port,...). */
export function redisClusterNodes(): RedisClusterNode[] {
  const list = process.env.CX_TEST_REDIS_CLUSTER_NODES ?? (clusterInfra.redis.nodes() as string[]).join(',');
  return list.split(',').map((a) => ({ host: a.split(':')[0], port: Number(a.split(':')[1]) }));
}

/** The Kafka cluster's bootstrap brokers (host:port). */
export function clusterBrokers(): string[] {
  return (process.env.CX_TEST_CLUSTER_BROKERS ?? (clusterInfra.kafka.brokers() as string[]).join(',')).split(',');
}

/**
 * A StackFixture target on the clusters: services on the 3-master Redis Cluster and the 3-broker
 * Kafka cluster, creating their topics with replication factor 3 (min.insync.replicas 2 is the
 * brokers' default).
 */
export function clusterTarget(): StackTarget {
  const nodes = redisClusterNodes().map((n) => `${n.host}:${n.port}`).join(',');
  return { brokers: clusterBrokers(), env: { KAFKA_BROKERS: clusterBrokers().join(','), REDIS_CLUSTER_NODES: nodes, TOPIC_REPLICATION_FACTOR: '3' } };
}

export const clusterFaults = {
  /** Stops the master on `port` (SIGTERM: clean exit, AOF flushed; SIGKILL: a crash); its slots fail until restarted. */
  stopRedisMaster: (port: number, opts: { signal?: 'SIGTERM' | 'SIGKILL' } = {}): Promise<void> => clusterInfra.redis.stopNode(port, opts),
  /** Starts it again from its AOF and nodes.conf; resolves once all 16384 slots are served. */
  restartRedisMaster: (port: number): Promise<void> => clusterInfra.redis.restartNode(port),
  /** True while every master serves its slots. */
  redisClusterHealthy: (): Promise<boolean> => clusterInfra.redis.healthy(),
  /** kill -9 of broker `id` (1-3; also one of the three controller voters); resolves once the process is gone. */
  killBroker: (id: number): Promise<void> => clusterInfra.kafka.stopBroker(id, { signal: 'SIGKILL' }),
  /** SIGTERM: a controlled shutdown that moves leadership away first. */
  stopBroker: (id: number): Promise<void> => clusterInfra.kafka.stopBroker(id, { signal: 'SIGTERM' }),
  /** Starts broker `id` again on its data; resolves once the cluster lists it again. */
  restartBroker: (id: number): Promise<void> => clusterInfra.kafka.restartBroker(id),
  /** Node ids the cluster lists as live brokers now. */
  liveBrokers: (): Promise<number[]> => clusterInfra.kafka.liveBrokers(),
  /** The port of broker `id`'s PLAINTEXT listener. */
  brokerPort: (id: number): number => Number(clusterBrokers()[id - 1].split(':')[1]),
};
