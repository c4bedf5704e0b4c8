/* Stops only the cluster nodes that the cluster globalSetup started, so a running cluster is left alone. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const clusterInfra = require('../../scripts/cluster-infra.js');

export default async function clusterGlobalTeardown(): Promise<void> {
  const r = (globalThis as Record<string, unknown>).__cxClusterInfra as { startedRedis: number[]; startedKafka: number[] } | undefined;
  if (!r) return;
  await clusterInfra.down({ redis: r.startedRedis.length > 0, kafka: r.startedKafka.length > 0 });
}
