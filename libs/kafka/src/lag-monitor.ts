/*
 * Consumer lag as ops means it: the latest offset of each partition minus the group's committed
 * offset, read with the admin API every few seconds off the hot path. Reading it from fetch
 * responses said 0 while the committed offsets were 5,000 behind. Scrapes read the last values,
 * so /metrics answers at once while Kafka is unreachable.
 */
import { Logger } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import type { Gauge } from 'prom-client';
import { PartitionOffsets } from './partition-offsets';

export class LagMonitor {
  private readonly log = new Logger('LagMonitor');
  private readonly offsets: PartitionOffsets;
  private timer?: NodeJS.Timeout;
  private failing = false;
  private running?: Promise<void>;

  constructor(
    kafka: Kafka,
    groupId: string,
    /** Physical topic → the logical name used as the metric label. */
    private readonly topics: Map<string, string>,
    private readonly gauge: Gauge<'topic' | 'partition'>,
    private readonly everyMs = 5_000,
  ) {
    this.offsets = new PartitionOffsets(kafka, groupId);
  }

  start(): void {
    const tick = () => {
      this.running = this.refresh().finally(() => { this.timer = setTimeout(tick, this.everyMs).unref(); });
    };
    this.timer = setTimeout(tick, 0).unref();
  }

  async refresh(): Promise<void> {
    try {
      for (const p of await this.offsets.read([...this.topics.keys()])) {
        this.gauge.set({ topic: this.topics.get(p.topic)!, partition: String(p.partition) }, Math.max(0, Number(p.high - p.committed)));
      }
      if (this.failing) this.log.log('lag readings resumed');
      this.failing = false;
    } catch (e) {
      if (!this.failing) this.log.warn(`cannot read consumer lag: ${(e as Error).message}`);
      this.failing = true;
    }
  }

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
    await this.offsets.close();
  }
}
