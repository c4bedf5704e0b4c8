/*
 * What one OffsetCommit costs, in the committing process and in the broker: the services commit
 * their offsets at most every KAFKA_COMMIT_INTERVAL_MS (OffsetCommits) because, committed per
 * unit, these requests were a large share of both (docs/benchmarks). Joins a group on a fresh
 * topic and, inside one eachBatch, awaits N commits of alternating offsets of one partition;
 * reports CPU µs per commit of this process and of the broker's JVM (/proc ticks).
 *
 *   N=2000 node -r @swc-node/register scripts/bench/offset-commit.ts
 *
 * Needs the local Kafka (`node scripts/infra.js up`); deletes its topic. Prints one JSON line.
 */
import { Kafka, logLevel } from 'kafkajs';
import { execSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
/** CPU ticks (1/100 s) the broker's JVM has used. */
function brokerTicks(): number {
  const pid = execSync('pgrep -f kafka.Kafka | head -1').toString().trim();
  const s = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return Number(s[11]) + Number(s[12]);
}
async function main() {
  const kafka = new Kafka({ clientId: 'oc', brokers: ['127.0.0.1:9092'], logLevel: logLevel.NOTHING });
  const admin = kafka.admin(); await admin.connect();
  const topic = `oc-${Date.now().toString(36)}`;
  await admin.createTopics({ topics: [{ topic, numPartitions: 6 }], waitForLeaders: true });
  const p = kafka.producer(); await p.connect();
  await p.send({ topic, messages: Array.from({ length: 60 }, (_, i) => ({ key: `k${i}`, value: 'x' })) });
  const consumer = kafka.consumer({ groupId: `oc-${Date.now()}` });
  await consumer.connect(); await consumer.subscribe({ topics: [topic], fromBeginning: true });
  const n = Number(process.env.N ?? 2000);
  let done: () => void; const finished = new Promise<void>((r) => (done = r)); let ran = false;
  await consumer.run({ autoCommit: true, eachBatchAutoResolve: false, eachBatch: async (payload) => {
    if (ran) return; ran = true;
    const { batch } = payload; const last = Number(batch.lastOffset());
    for (let i = 0; i < 200; i++) await payload.commitOffsetsIfNecessary({ topics: [{ topic, partitions: [{ partition: batch.partition, offset: String(i % 2 ? last : last + 1) }] }] });
    const b0 = brokerTicks(); const c0 = process.cpuUsage(); const t0 = Date.now();
    for (let i = 0; i < n; i++) await payload.commitOffsetsIfNecessary({ topics: [{ topic, partitions: [{ partition: batch.partition, offset: String(i % 2 ? last : last + 1) }] }] });
    const c = process.cpuUsage(c0); const wall = Date.now() - t0;
    console.log(JSON.stringify({ clientUsPerCommit: Math.round((c.user + c.system) / n), brokerUsPerCommit: Math.round((brokerTicks() - b0) * 10000 / n), wallUs: Math.round(wall * 1000 / n) }));
    done();
  } });
  await finished; await consumer.disconnect(); await p.disconnect(); await admin.deleteTopics({ topics: [topic] }); await admin.disconnect();
}
main().catch((e) => { process.stderr.write(`offset-commit: ${(e as Error).stack}\n`); process.exit(1); });
