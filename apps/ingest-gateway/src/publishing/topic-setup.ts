// Creates the input topics and cx.dlq if missing, before the first request: the services create
// them too, so "already exists" is success. (ensureTopics of libs/kafka is not exported from
// @cx/kafka; this is the gateway's copy until it is.)
import type { Kafka } from 'kafkajs';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function ensureGatewayTopics(kafka: Kafka, names: string[], partitions: number, attempts = 20): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    for (let attempt = 1; ; attempt++) {
      try {
        const existing = new Set(await admin.listTopics());
        const missing = names.filter((t) => !existing.has(t));
        if (missing.length) {
          await admin.createTopics({ waitForLeaders: true, topics: missing.map((topic) => ({ topic, numPartitions: partitions })) })
            .catch((e: { errors?: { type?: string }[] }) => {
              if (!e.errors?.length || !e.errors.every((x) => x.type === 'TOPIC_ALREADY_EXISTS')) throw e;
            });
        }
        const { topics } = await admin.fetchTopicMetadata({ topics: names });
        if (topics.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0))) return;
        throw new Error('topic partitions without a leader yet');
      } catch (e) {
        if (attempt >= attempts) throw e;
        await sleep(Math.min(2_000, 100 * attempt));
      }
    }
  } finally {
    await admin.disconnect();
  }
}
