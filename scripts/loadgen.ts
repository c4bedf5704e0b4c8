// `npm run loadgen -- --rate N --duration S [--seed X] ...`: realistic synthetic contact-center
// traffic to Kafka as valid CloudEvents, at a steady rate. Prints a JSON summary on stdout.
import { writeFileSync } from 'node:fs';
import { Command, InvalidArgumentError } from 'commander';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { sendPaced } from './loadgen/paced-sender';
import { TrafficGenerator } from './loadgen/traffic-generator';

const num = (min: number, max = Infinity) => (v: string) => {
  const n = Number(v);
  if (!Number.isFinite(n) || n < min || n > max) throw new InvalidArgumentError(`must be a number in [${min}, ${max}]`);
  return n;
};

const program = new Command('loadgen')
  .requiredOption('--rate <n>', 'events per second', num(1, 1_000_000))
  .requiredOption('--duration <s>', 'seconds to run', num(0.1))
  .option('--seed <n>', 'PRNG seed (same seed, same traffic)', num(0), 1)
  .option('--conversations <n>', 'concurrently active conversations', num(1), 2000)
  .option('--customers <n>', 'distinct customers', num(1), 5000)
  .option('--negative-share <p>', 'share of upset conversations', num(0, 1), 0.15)
  .option('--complaint-share <p>', 'share of complaint conversations', num(0, 1), 0.1)
  .option('--poison-share <p>', 'share of invalid messages (DLQ)', num(0, 1), 0)
  .option('--agent-reply-rate <p>', 'chance an agent answers at its turn (lower → more SLA misses)', num(0, 1), 0.8)
  .option('--tenant <id>', 'CloudEvents tenantid', 'default')
  .option('--brokers <list>', 'Kafka brokers', process.env.KAFKA_BROKERS ?? '127.0.0.1:9092')
  .option('--topic-prefix <p>', 'prefix for topic names', process.env.TOPIC_PREFIX ?? '')
  .option('--run-id <id>', 'distinguishes conversation ids between runs (default: from seed and time)')
  .option('--out <file.jsonl>', 'write the events to a file instead of Kafka (virtual time)');

async function main(): Promise<void> {
  const o = program.parse().opts();
  const runId = o.runId ?? `${o.seed}${Date.now().toString(36).slice(-4)}`;
  const gen = new TrafficGenerator({
    seed: o.seed, conversations: o.conversations, customers: o.customers, negativeShare: o.negativeShare,
    complaintShare: o.complaintShare, poisonShare: o.poisonShare, agentReplyRate: o.agentReplyRate, tenant: o.tenant, runId,
  });
  const total = Math.round(o.rate * o.duration);
  if (o.out) {
    const t0 = Date.now();
    const lines: string[] = [];
    for (let i = 0; i < total; i++) {
      const g = gen.next(t0 + Math.round((i * 1000) / o.rate));
      lines.push(typeof g.value === 'string' ? g.value : JSON.stringify(g.value));
    }
    writeFileSync(o.out, lines.join('\n') + '\n');
    process.stdout.write(JSON.stringify({ written: total, file: o.out }) + '\n');
    return;
  }
  const producer = new Kafka({ clientId: 'loadgen', brokers: o.brokers.split(','), logLevel: logLevel.WARN })
    .producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: true });
  await producer.connect();
  const r = await sendPaced(producer, gen, { rate: o.rate, total, topicPrefix: o.topicPrefix });
  await producer.disconnect();
  process.stdout.write(JSON.stringify({ runId, ...r, ratePerSec: Math.round(r.sent / r.seconds) }) + '\n');
}

main().catch((e) => { process.stderr.write(`loadgen: ${(e as Error).message}\n`); process.exit(1); });
