/**
 * What the commit step costs per message, on the real Redis, without Kafka: the Committer (the one
 * path every consumer unit, timer round and API request commits through) applies units shaped like
 * a caught-up consumer's (`--unit` conversations, each a part with one de-duplication mark, one
 * state SET of ~400 bytes and one output event, spread over the shards by conversation id) into a
 * publisher that only counts. Reports this process's CPU and Redis's CPU per part, so two versions
 * of the commit path compare on a busy machine (CPU time, not wall time, is what they cost).
 *
 *   node -r @swc-node/register scripts/bench-commit.ts [--units 2000] [--unit 40] [--shards 32]
 *
 * Needs Redis (REDIS_URL, default redis://127.0.0.1:6379); uses a fresh key prefix and deletes it.
 * Prints one JSON line.
 */
import { randomBytes } from 'node:crypto';
import type { Publisher } from '@cx/kafka';
import { PipelineMetrics } from '@cx/metrics';
import { createRedis, KeySpace } from '@cx/redis';
import { Committer, type Part } from '@cx/runtime';

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const UNITS = arg('units', 2000);
const UNIT = arg('unit', 40);
const SHARDS = arg('shards', 32);

const redis = createRedis({ url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' }, 'bench-commit');
const runId = `bench-commit-${randomBytes(4).toString('hex')}`;
const space = new KeySpace(`${runId}:`, 'emo', SHARDS);
let published = 0;
const publisher: Publisher = { send: async (records) => { published += records.length; } };
const committer = new Committer(redis, space, publisher, new PipelineMetrics('bench-commit'), { instanceId: runId, markTtlMs: 3_600_000, outboxLeaseMs: 30_000 });
const state = JSON.stringify({ emo: { streak: 1, last: 'x'.repeat(360) } });

function unit(u: number): Part[] {
  return Array.from({ length: UNIT }, (_, i) => {
    const conv = `conv-${(u * 7919 + i * 104729) % 100_000}`;
    const shard = space.shardOf('default', conv);
    const id = `${u}-${i}`;
    return {
      shard, entity: conv, marks: [randomBytes(12).toString('base64url')],
      commands: [{ name: 'SET', keys: [space.key(shard, `conv:${conv}`)], args: [state, 'EX', 3600] }],
      events: [{ topic: 'cx.signals', event: { id, type: 'cx.signal.emotion.v1', subject: conv, time: new Date().toISOString(), data: { negative: false } } as never }],
    };
  });
}

async function redisCpu(): Promise<number> {
  const info = await redis.info('cpu');
  const n = (k: string) => Number(new RegExp(`${k}:([\\d.]+)`).exec(info)![1]);
  return n('used_cpu_user') + n('used_cpu_sys');
}

async function main(): Promise<void> {
  for (let u = 0; u < 50; u++) await committer.apply(unit(u)); // warm-up: JIT and the script cache
  const units = Array.from({ length: UNITS }, (_, u) => unit(u + 50));
  const [cpu0, r0, t0] = [process.cpuUsage(), await redisCpu(), process.hrtime.bigint()];
  for (const parts of units) await committer.apply(parts);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  const redisSeconds = (await redisCpu()) - r0;
  const parts = UNITS * UNIT;
  console.log(JSON.stringify({
    units: UNITS, unit: UNIT, shards: SHARDS, published,
    partsPerSec: Math.round(parts / seconds),
    processCpuUsPerPart: Number(((cpu.user + cpu.system) / parts).toFixed(1)),
    redisCpuUsPerPart: Number(((redisSeconds * 1e6) / parts).toFixed(1)),
  }));
  let cursor = '0';
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', `${runId}:*`, 'COUNT', 1000);
    cursor = next;
    if (found.length) await redis.del(...found);
  } while (cursor !== '0');
  await redis.quit();
}

main().catch((e) => { console.error(e); process.exit(1); });
