/*
 * The one loop runner of the services (SLA shard rounds, ladder and webhook rounds, the outbox
 * drainer): runs `tick` every `everyMs` without overlap (the next run starts after the previous
 * one ends), at once again when a tick says it did a full batch, and keeps going after errors,
 * reporting a failure once until it recovers (no log flood during an outage).
 */
import { Logger } from '@nestjs/common';

export class LoopRunner {
  private timer?: NodeJS.Timeout;
  private stopped = true;
  private running?: Promise<void>;
  private failing = false;
  private wakeRequested = false;

  constructor(private readonly name: string, private readonly everyMs: number, private readonly tick: () => Promise<boolean>,
    private readonly log = new Logger(name)) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(0);
  }

  /** Runs the next tick now (or right after the one in progress). */
  wake(): void {
    if (this.stopped) return;
    if (this.running) { this.wakeRequested = true; return; }
    this.schedule(0);
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.running = this.run();
    }, ms);
  }

  private async run(): Promise<void> {
    let again = false;
    try {
      again = await this.tick();
      if (this.failing) this.log.log(`${this.name} recovered`);
      this.failing = false;
    } catch (e) {
      if (!this.failing) this.log.error(`${this.name} failed: ${(e as Error).message}`);
      this.failing = true;
    }
    this.running = undefined;
    const now = again || this.wakeRequested;
    this.wakeRequested = false;
    this.schedule(now ? 0 : this.everyMs);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }
}
