/* Stops only what globalSetup started, so a developer's running stack is left alone. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const infra = require('../../scripts/infra.js');

export default async function globalTeardown(): Promise<void> {
  const r = (globalThis as Record<string, unknown>).__cxInfra as { startedKafka: boolean; startedRedis: boolean } | undefined;
  if (!r) return;
  await infra.down({ kafka: r.startedKafka, redis: r.startedRedis });
}
