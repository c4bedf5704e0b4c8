/*
 * Supervisors' feedback labels per tenant (docs/contract.md, Emotion detection), where
 * `train:emotion -- --feedback` reads them: a Redis LIST of FeedbackLabel JSON, newest first,
 * capped at the tenant's `retention.feedbackLabels` and expiring `retention.feedback` after the
 * newest label. A label is its own Change in the tenant's feedback shard, kept once by its id
 * however often the feedback's commit is retried.
 */
import { Inject, Injectable } from '@nestjs/common';
import { FeedbackLabel } from '@cx/contracts';
import { REDIS, type RedisClient } from '@cx/redis';
import type { Change } from '@cx/runtime';
import { RouterKeys } from '../router-keys';

@Injectable()
export class FeedbackStore {
  constructor(@Inject(REDIS) private readonly redis: RedisClient, private readonly keys: RouterKeys) {}

  /** The Change that keeps `label` (unless a label with this id was kept already). */
  change(labelId: string, label: FeedbackLabel, retentionMs: number, cap: number): Change {
    const route = this.keys.feedbackLabels(label.tenant);
    const seen = this.keys.feedbackSeen(label.tenant, labelId);
    return {
      shard: route.shard, entity: `${route.entity}:${labelId}`,
      guards: [{ key: seen, digest: '' }],
      commands: [
        { name: 'SET', keys: [seen], args: ['1', 'PX', retentionMs] },
        { name: 'LPUSH', keys: [route.key], args: [JSON.stringify(FeedbackLabel.parse(label))] },
        { name: 'LTRIM', keys: [route.key], args: [0, cap - 1] },
        { name: 'PEXPIRE', keys: [route.key], args: [retentionMs] },
      ],
    };
  }

  /** The newest labels of a tenant (for tests and a later review screen). */
  async newest(tenant: string, count = 50): Promise<FeedbackLabel[]> {
    const raw = await this.redis.lrange(this.keys.feedbackLabels(tenant).key, 0, count - 1);
    return raw.map((r) => FeedbackLabel.parse(JSON.parse(r)));
  }
}
