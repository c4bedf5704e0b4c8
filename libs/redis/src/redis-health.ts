/*
 * Redis health for GET /health, answered from memory: a background PING every second (with a
 * short timeout) and the client's connection state. Asking Redis while a request waits made /health
 * take seconds exactly during an outage, when ops needs it to answer at once.
 */
import type { HealthCheck } from '@cx/metrics';
import type { RedisClient } from './redis-client';

export class RedisHealth implements HealthCheck {
  readonly name = 'redis';
  private up = false;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly redis: RedisClient, everyMs = 1000, private readonly timeoutMs = 800) {
    this.timer = setInterval(() => void this.probe(), everyMs).unref();
    void this.probe();
  }

  private async probe(): Promise<void> {
    let t: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((r) => { t = setTimeout(() => r(false), this.timeoutMs); });
    const ping = this.redis.ping().then((p) => p === 'PONG', () => false);
    this.up = await Promise.race([ping, timeout]);
    clearTimeout(t);
  }

  async check(): Promise<boolean> {
    return this.up && this.redis.status === 'ready';
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
