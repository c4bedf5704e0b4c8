/*
 * Consumer lag as ops means it: the latest offset of each partition minus the group's committed
 * offset, read with the admin API every few seconds off the hot path. Reading it from fetch
 * responses said 0 while the committed offsets were 5,000 behind. Scrapes read the last values,
 * so /metrics answers at once while Kafka is unreachable.
 */
import { Logger } from '@nestjs/common';
import type { Admin, Kafka } from 'kafkajs';
import type { Gauge } from 'prom-client';

export class LagMonitor {
  private readonly log = new Logger('LagMonitor');
  private admin?: Admin;
  private timer?: NodeJS.Timeout;
  private failing = false;
  private running?: Promise<void>;

  constructor(
    private readonly kafka: Kafka,
    private readonly groupId: string,
    /** Physical topic → the logical name used as the metric label. */
    private readonly topics: Map<string, string>,
    private readonly gauge: Gauge<'topic' | 'partition'>,
    private readonly everyMs = 5_000,
  ) {}

  start(): void {
    const tick = () => {
      this.running = this.refresh().finally(() => { this.timer = setTimeout(tick, this.everyMs).unref(); });
    };
    this.timer = setTimeout(tick, 0).unref();
  }

  async refresh(): Promise<void> {
    try {
      if (!this.admin) {
        const admin = this.kafka.admin();
        await admin.connect();
        this.admin = admin;
      }
      const physical = [...this.topics.keys()];
      const [committed, ...latest] = await Promise.all([
        this.admin.fetchOffsets({ groupId: this.groupId, topics: physical }),
        ...physical.map((t) => this.admin!.fetchTopicOffsets(t)),
      ]);
      physical.forEach((topic, i) => {
        const group = committed.find((c) => c.topic === topic);
        for (const p of latest[i]) {
          const c = group?.partitions.find((x) => x.partition === p.partition);
          const at = c && Number(c.offset) >= 0 ? Number(c.offset) : Number(p.low);
          this.gauge.set({ topic: this.topics.get(topic)!, partition: String(p.partition) }, Math.max(0, Number(p.high) - at));
        }
      });
      if (this.failing) this.log.log('lag readings resumed');
      this.failing = false;
    } catch (e) {
      if (!this.failing) this.log.warn(`cannot read consumer lag: ${(e as Error).message}`);
      this.failing = true;
      await this.admin?.disconnect().catch(() => undefined);
      this.admin = undefined;
    }
  }

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
    await this.admin?.disconnect().catch(() => undefined);
  }
}
