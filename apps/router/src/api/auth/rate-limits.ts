/*
 * Per-principal request budgets of the API, by route class, and the counters that show them
 * working: an over-eager integration or a storm is told 429 with Retry-After after its budget,
 * counted, while other principals and /health go on unaffected. Failed authentications are
 * budgeted per client address, so guessing keys or tokens is slowed down too.
 */
import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { Counter } from 'prom-client';
import { TokenBuckets, type TakeResult } from '@cx/http';
import { PipelineMetrics } from '@cx/metrics';
import type { AuthFailureReason } from './authenticator';

/** Route classes (fixed label values): what a request spends its budget on. */
export const RATE_CLASSES = ['read', 'write', 'stream', 'public', 'unauthenticated'] as const;
export type RateClass = (typeof RATE_CLASSES)[number];
/** Requests per minute per principal (per client address for `public` and `unauthenticated`); 0 = no limit. */
export type RateLimitSettings = Record<RateClass, number>;
export const RATE_LIMIT_SETTINGS = Symbol('RATE_LIMIT_SETTINGS');

@Injectable()
export class RateLimits implements OnModuleDestroy {
  private readonly buckets: Record<RateClass, TokenBuckets>;
  private readonly sweeper: NodeJS.Timeout;
  readonly limited: Counter<'route_class'>;
  readonly authFailures: Counter<'reason'>;

  constructor(@Inject(RATE_LIMIT_SETTINGS) settings: RateLimitSettings, pipeline: PipelineMetrics) {
    this.buckets = Object.fromEntries(RATE_CLASSES.map((c) => [c, new TokenBuckets({ perMinute: settings[c] })])) as Record<RateClass, TokenBuckets>;
    const registers = [pipeline.registry];
    this.limited = new Counter({
      name: 'cx_router_rate_limited_total', help: 'API requests refused with 429 because a principal (or client address) exceeded its budget, by route class',
      labelNames: ['route_class'], registers,
    });
    this.authFailures = new Counter({
      name: 'cx_router_auth_failures_total', help: 'API requests refused for authentication (401/403/503), by reason',
      labelNames: ['reason'], registers,
    });
    for (const c of RATE_CLASSES) this.limited.inc({ route_class: c }, 0);
    this.sweeper = setInterval(() => { for (const b of Object.values(this.buckets)) b.sweep(); }, 60_000);
    this.sweeper.unref();
  }

  take(cls: RateClass, key: string): TakeResult {
    const r = this.buckets[cls].take(key);
    if (!r.ok) this.limited.inc({ route_class: cls });
    return r;
  }

  failed(reason: AuthFailureReason): void {
    this.authFailures.inc({ reason });
  }

  onModuleDestroy(): void {
    clearInterval(this.sweeper);
  }
}
