import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { Counter } from 'prom-client';
import type { InteractionEvent } from '@cx/contracts';
import { isolate, type BatchResult, type InboundBatch, type OutEvent, type Rejection } from '@cx/kafka';
import { PipelineMetrics } from '@cx/metrics';
import { REDIS, REDIS_OPTIONS, type RedisOptions } from '@cx/redis';
import { conversationStep, type ConversationState, type DetectionPort } from './conversation-step';

export const DETECTOR = Symbol('DETECTOR');
export const STATE_TTL_SECONDS = Symbol('STATE_TTL_SECONDS');

/** Loads the batch's conversation states in one round trip, applies the pure step, persists in the batch's MULTI. */
@Injectable()
export class EmotionPipeline {
  private readonly truncated: Counter;
  private readonly unsupported: Counter;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(REDIS_OPTIONS) private readonly redisOptions: RedisOptions,
    @Inject(DETECTOR) private readonly detector: DetectionPort,
    @Inject(STATE_TTL_SECONDS) private readonly ttl: number,
    metrics: PipelineMetrics,
  ) {
    this.truncated = new Counter({ name: 'cx_emotion_truncated_texts_total', help: 'Texts cut to the detector size limit', registers: [metrics.registry] });
    this.unsupported = new Counter({ name: 'cx_emotion_unsupported_language_total', help: 'Customer messages in a language the detector does not support (no flag)', registers: [metrics.registry] });
  }

  private key(e: InteractionEvent): string {
    return `${this.redisOptions.keyPrefix}cx:emo:conv:{${e.tenantid}:${e.subject}}`;
  }

  async process(batch: InboundBatch<InteractionEvent>): Promise<BatchResult<InteractionEvent>> {
    const keys = [...new Set(batch.items.map((i) => this.key(i.event)))];
    const values = await this.redis.mget(...keys);
    const states = new Map<string, ConversationState | undefined>(keys.map((k, i) => [k, values[i] ? JSON.parse(values[i]!) : undefined]));
    const touched = new Set<string>();
    const outputs: OutEvent[] = [];
    const dropped: Rejection<InteractionEvent>[] = [];
    const { deadLetters } = isolate(batch.items, (item) => {
      const k = this.key(item.event);
      const r = conversationStep(states.get(k), item.event, this.detector);
      if (r.dropped) return dropped.push({ item, reason: r.dropped });
      states.set(k, r.state);
      touched.add(k);
      outputs.push(...r.outputs);
      if (r.truncated) this.truncated.inc();
      if (r.unsupportedLanguage) this.unsupported.inc();
    });
    return {
      outputs,
      deadLetters,
      dropped,
      persist: (multi) => {
        for (const k of touched) multi.set(k, JSON.stringify(states.get(k)), 'EX', this.ttl);
      },
    };
  }
}
