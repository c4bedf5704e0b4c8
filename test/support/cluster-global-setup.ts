/* Starts (or reuses) the cluster tier's 3-master Redis Cluster and 3-broker Kafka cluster once per run. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const clusterInfra = require('../../scripts/cluster-infra.js');

export default async function clusterGlobalSetup(): Promise<void> {
  const started = Date.now();
  // A failed start-up must not leave JVMs behind: no teardown runs after a failed globalSetup.
  const r = await clusterInfra.up().catch(async (e: Error) => {
    await clusterInfra.down().catch(() => undefined);
    throw e;
  });
  // Same formats the services read: comma-separated host:port lists.
  process.env.CX_TEST_REDIS_CLUSTER_NODES = r.redisNodes.join(',');
  process.env.CX_TEST_CLUSTER_BROKERS = r.kafkaBrokers.join(',');
  (globalThis as Record<string, unknown>).__cxClusterInfra = r;
  process.stderr.write(`\ncluster infra ready in ${Date.now() - started} ms (redis started: ${r.startedRedis.join(',') || 'none'}; kafka started: ${r.startedKafka.join(',') || 'none'})\n`);
}
