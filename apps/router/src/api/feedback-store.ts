import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import type { ChainableCommander } from 'ioredis';
import { FeedbackLabel, feedbackLabelsKey } from '@cx/contracts';
import { REDIS, REDIS_OPTIONS, type RedisOptions } from '@cx/redis';

/**
 * Supervisors' feedback labels per tenant (DESIGN §5/§6), where `train:emotion -- --feedback`
 * reads them: a Redis LIST of FeedbackLabel JSON at feedbackLabelsKey, newest first, capped at
 * the tenant's `retention.feedbackLabels` and expiring `retention.feedback` after the newest
 * label (every label renews the list's expiry; a tenant that stops giving feedback loses its
 * labels after the retention). The key carries the tenant's hash tag, like the escalation keys
 * it is written with in one transaction.
 */
@Injectable()
export class FeedbackStore {
  private readonly prefix: string;

  constructor(@Inject(REDIS) private readonly redis: Redis, @Inject(REDIS_OPTIONS) options: RedisOptions) {
    this.prefix = options.keyPrefix;
  }

  key(tenant: string): string {
    return feedbackLabelsKey(this.prefix, tenant);
  }

  write(multi: ChainableCommander, label: FeedbackLabel, retentionMs: number, cap: number): void {
    const key = this.key(label.tenant);
    multi.lpush(key, JSON.stringify(FeedbackLabel.parse(label)));
    multi.ltrim(key, 0, cap - 1);
    multi.pexpire(key, retentionMs);
  }

  /** The newest labels of a tenant (for tests and a later review screen). */
  async newest(tenant: string, count = 50): Promise<FeedbackLabel[]> {
    const raw = await this.redis.lrange(this.key(tenant), 0, count - 1);
    return raw.map((r) => FeedbackLabel.parse(JSON.parse(r)));
  }
}
