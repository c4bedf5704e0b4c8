import type { Kafka } from 'kafkajs';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Creates missing topics and waits until every partition has a leader. Several services start
 * at once and race to create the same topics, so "already exists" counts as success.
 */
export async function ensureTopics(kafka: Kafka, names: string[], partitions: number, replicationFactor = -1): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    for (let attempt = 1; ; attempt++) {
      try {
        const existing = new Set(await admin.listTopics());
        const missing = names.filter((t) => !existing.has(t));
        if (missing.length) {
          await admin.createTopics({ waitForLeaders: true, topics: missing.map((topic) => ({ topic, numPartitions: partitions, replicationFactor })) })
            .catch((e: { errors?: { type?: string }[] }) => {
              if (!e.errors?.length || !e.errors.every((x) => x.type === 'TOPIC_ALREADY_EXISTS')) throw e;
            });
        }
        const { topics } = await admin.fetchTopicMetadata({ topics: names });
        if (topics.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0))) return;
        throw new Error('topic partitions without a leader yet');
      } catch (e) {
        if (attempt >= 20) throw e;
        await sleep(Math.min(2_000, 100 * attempt));
      }
    }
  } finally {
    await admin.disconnect();
  }
}
