import { Logger } from '@nestjs/common';

/**
 * Runs `tick` every `everyMs` without overlap (the next run starts after the previous one ends),
 * and keeps going after errors, reporting a failure once until it recovers (no log flood during a
 * Redis outage). `tick` returns true when it did a full batch and wants to run again at once.
 */
export class BackgroundLoop {
  private timer?: NodeJS.Timeout;
  private stopped = false;
  private running?: Promise<void>;
  private failing = false;

  constructor(private readonly name: string, private readonly everyMs: number, private readonly tick: () => Promise<boolean>,
    private readonly log = new Logger(name)) {}

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
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
    this.schedule(again ? 0 : this.everyMs);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }
}
