import type { Admin } from 'kafkajs';

/** Messages a consumer group still has to process on `topics` (end offsets minus committed). */
export async function groupLag(admin: Admin, groupId: string, topics: string[]): Promise<number> {
  const committed = await admin.fetchOffsets({ groupId, topics });
  let lag = 0;
  for (const t of committed) {
    const ends = await admin.fetchTopicOffsets(t.topic);
    for (const p of t.partitions) {
      const end = Number(ends.find((e) => e.partition === p.partition)?.offset ?? 0);
      const low = Number(ends.find((e) => e.partition === p.partition)?.low ?? 0);
      const at = Number(p.offset) < 0 ? low : Number(p.offset);
      lag += Math.max(0, end - at);
    }
  }
  return lag;
}
