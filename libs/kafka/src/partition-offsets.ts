/*
 * The group's committed offset and each partition's log end, read with the admin API: the one
 * place that reads them, for the lag gauge (ops) and for the idle-partition probe (event-time
 * watermarks). The admin connection is made on first use and dropped after a failure, so a broker
 * outage costs one failed read per caller round and recovers by itself.
 */
import type { Admin, Kafka } from 'kafkajs';

export interface PartitionOffset {
  /** Physical topic name. */
  topic: string;
  partition: number;
  /** Log end offset (the next offset to be written). */
  high: bigint;
  /** Where the group resumes: its committed offset, or the log start when it has none. */
  committed: bigint;
}

export class PartitionOffsets {
  private admin?: Admin;

  constructor(private readonly kafka: Kafka, private readonly groupId: string) {}

  async read(topics: string[]): Promise<PartitionOffset[]> {
    try {
      if (!this.admin) {
        const admin = this.kafka.admin();
        await admin.connect();
        this.admin = admin;
      }
      const [committed, ...latest] = await Promise.all([
        this.admin.fetchOffsets({ groupId: this.groupId, topics }),
        ...topics.map((t) => this.admin!.fetchTopicOffsets(t)),
      ]);
      return topics.flatMap((topic, i) => {
        const group = committed.find((c) => c.topic === topic);
        return latest[i].map((p) => {
          const c = group?.partitions.find((x) => x.partition === p.partition);
          const at = c && Number(c.offset) >= 0 ? BigInt(c.offset) : BigInt(p.low);
          return { topic, partition: p.partition, high: BigInt(p.high), committed: at };
        });
      });
    } catch (e) {
      await this.close();
      throw e;
    }
  }

  async close(): Promise<void> {
    const admin = this.admin;
    this.admin = undefined;
    await admin?.disconnect().catch(() => undefined);
  }
}
