import { Kafka, logLevel, Partitioners, type Consumer, type Producer } from 'kafkajs';
import { clusterBrokers, clusterFaults } from '../support/cluster-faults';
import { uniq } from '../support/ids';
import { waitFor } from '../support/wait-for';

/** Proves the cluster tier's Kafka replicates 3 ways and rides out a broker killed -9 under load. */
describe('infrastructure: Kafka cluster', () => {
  const kafka = new Kafka({
    clientId: 'infra-cluster-test', brokers: clusterBrokers(), logLevel: logLevel.NOTHING,
    retry: { initialRetryTime: 100, maxRetryTime: 1000, retries: 30 },
  });
  const admin = kafka.admin();
  let producer: Producer;
  let consumer: Consumer | undefined;
  // Brokers learn a new topic from the metadata log one after another: ask until the one asked knows it.
  const eventually = <T>(what: string, f: () => Promise<T>) => waitFor(what, f, 10_000, 100);
  const topicMeta = (topic: string) => eventually(`metadata of ${topic}`, async () => (await admin.fetchTopicMetadata({ topics: [topic] })).topics[0]);
  // kafkajs' waitForLeaders gives up on that race (UNKNOWN_TOPIC_OR_PARTITION), and a consumer may
  // ask another broker than the admin did, so wait until each broker (asked alone) knows the topic.
  const probes = clusterBrokers().map((b) => new Kafka({ clientId: 'infra-cluster-probe', brokers: [b], logLevel: logLevel.NOTHING, retry: { retries: 0 } }).admin());
  const createTopic = async (topic: string) => {
    await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: false });
    await eventually(`${topic} known to every broker`, async () => {
      for (const probe of probes) {
        const [m] = (await probe.fetchTopicMetadata({ topics: [topic] })).topics;
        if (!m.partitions.every((p) => p.leader >= 0 && p.isr.length === 3)) return false;
      }
      return true;
    });
  };

  beforeAll(async () => {
    await admin.connect();
    await Promise.all(probes.map((p) => p.connect()));
    producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
  });
  afterAll(async () => {
    await consumer?.disconnect();
    await producer.disconnect();
    await admin.disconnect();
    await Promise.all(probes.map((p) => p.disconnect()));
  });

  it('creates topics with replication factor 3 and min.insync.replicas 2 by default', async () => {
    const topic = uniq('infra-rf3');
    await createTopic(topic);
    const meta = await topicMeta(topic);
    expect(meta.partitions).toHaveLength(3);
    for (const p of meta.partitions) {
      expect(p.replicas.sort()).toEqual([1, 2, 3]);
      expect(p.isr).toHaveLength(3);
    }
    const { resources } = await eventually('topic configs', () => admin.describeConfigs({ includeSynonyms: false, resources: [{ type: 2, name: topic, configNames: ['min.insync.replicas'] }] }));
    expect(resources[0].configEntries.find((e) => e.configName === 'min.insync.replicas')?.configValue).toBe('2');
  });

  it('keeps producing with acks=all and consuming while one broker is killed -9, losing nothing', async () => {
    const topic = uniq('infra-failover');
    await createTopic(topic);
    const received = new Map<number, number>(); // message number → when it was consumed
    // When the group coordinator dies, the group may wait a session timeout for the member to rejoin
    // (30 s by default); 10 s keeps the test short and still exercises the coordinator move.
    consumer = kafka.consumer({ groupId: uniq('infra-failover'), maxWaitTimeInMs: 100, sessionTimeout: 10_000, rebalanceTimeout: 10_000, heartbeatInterval: 1000 });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => { received.set(Number(message.value), Date.now()); } });

    const acked: number[] = [];
    let next = 0;
    const produceUntil = async (count: number, deadlineMs: number) => {
      const deadline = Date.now() + deadlineMs;
      while (acked.length < count) {
        if (Date.now() > deadline) throw new Error(`only ${acked.length} of ${count} messages acknowledged in ${deadlineMs} ms`);
        const batch = Array.from({ length: 10 }, () => next++);
        // acks=all: the send resolves once every in-sync replica (at least 2) has the batch.
        const ok = await producer.send({ topic, acks: -1, messages: batch.map((n) => ({ key: String(n % 7), value: String(n) })) }).then(() => true, () => false);
        if (ok) acked.push(...batch); // a batch that failed is not acknowledged, so not expected either
      }
    };

    await produceUntil(100, 30_000);
    const meta = await topicMeta(topic);
    const victim = meta.partitions.find((p) => p.partitionId === 0)!.leader;
    await clusterFaults.killBroker(victim);
    const killedAt = Date.now();
    const phases: Record<string, number> = {};
    const ackedBeforeKill = acked.length;
    try {
      await produceUntil(ackedBeforeKill + 200, 60_000);
      phases.produced200AfterKill = Date.now() - killedAt;
      const afterKill = acked.slice(ackedBeforeKill);
      // The consumer keeps going on the two remaining brokers.
      await waitFor('messages produced after the kill consumed before the restart', () => afterKill.every((n) => received.has(n)), 60_000, 100);
      phases.consumedAfterKill = Date.now() - killedAt;
      expect(await clusterFaults.liveBrokers()).not.toContain(victim);
    } finally {
      const t = Date.now();
      await clusterFaults.restartBroker(victim);
      phases.restart = Date.now() - t;
    }
    await produceUntil(acked.length + 100, 30_000);
    await waitFor('every acknowledged message consumed', () => acked.every((n) => received.has(n)), 60_000, 100);

    expect(acked.length).toBeGreaterThanOrEqual(400);
    expect([...received.values()].filter((t) => t > killedAt).length).toBeGreaterThanOrEqual(200);
    expect((await clusterFaults.liveBrokers()).sort()).toEqual([1, 2, 3]);
    // The restarted broker catches up and rejoins every ISR on its old data.
    await waitFor('ISR back to 3', async () => {
      const m = await topicMeta(topic);
      return m.partitions.every((p) => p.isr.length === 3);
    }, 60_000, 500);
    process.stderr.write(`kafka cluster failover (ms after kill -9 of broker ${victim}): ${JSON.stringify(phases)}\n`);
  }, 240_000);
});
