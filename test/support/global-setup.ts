/* Starts (or reuses) the real Kafka broker and Redis once per test run. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const infra = require('../../scripts/infra.js');

export default async function globalSetup(): Promise<void> {
  const started = Date.now();
  const r = await infra.up();
  process.env.CX_TEST_BROKERS = r.brokers;
  process.env.CX_TEST_REDIS_URL = r.redisUrl;
  (globalThis as Record<string, unknown>).__cxInfra = r;
  process.stderr.write(`\ninfra ready in ${Date.now() - started} ms (kafka ${r.startedKafka ? 'started' : 'reused'}, redis ${r.startedRedis ? 'started' : 'reused'})\n`);
}
