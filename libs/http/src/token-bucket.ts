/*
 * Per-client request budgets kept in this process's memory. A storm must cost the service as
 * little as possible: one map lookup and a little arithmetic per request, no I/O, so that an
 * over-eager client is told 429 quickly and everyone else (and /health) is not slowed down.
 * With several instances behind a load balancer each counts its own share (see docs/security.md).
 */

export interface BucketLimit {
  /** Requests a client may make per minute; 0 switches the limit off. */
  perMinute: number;
  /** Requests it may make at once before the per-minute pace applies; default: a whole minute's worth. */
  burst?: number;
}

export type TakeResult = { ok: true } | { ok: false; retryAfterSeconds: number };

interface Bucket { tokens: number; at: number }

/**
 * Token buckets by key: each holds up to `burst` tokens and refills at `perMinute / 60` a second;
 * a request takes one. Buckets that have refilled completely carry no information and are dropped
 * by `sweep`, and at most `maxKeys` are kept (the oldest go first), so memory stays bounded even
 * when a storm comes from many addresses.
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();
  private readonly capacity: number;
  private readonly perMs: number;

  constructor(private readonly limit: BucketLimit, private readonly now: () => number = Date.now, private readonly maxKeys = 100_000) {
    this.capacity = Math.max(1, limit.burst ?? limit.perMinute);
    this.perMs = limit.perMinute / 60_000;
  }

  get enabled(): boolean { return this.limit.perMinute > 0; }

  get size(): number { return this.buckets.size; }

  take(key: string): TakeResult {
    if (!this.enabled) return { ok: true };
    const now = this.now();
    let b = this.buckets.get(key);
    if (b) {
      b.tokens = Math.min(this.capacity, b.tokens + (now - b.at) * this.perMs);
      b.at = now;
      // Re-insert so the map's order is least recently used first (for the maxKeys bound).
      this.buckets.delete(key);
    } else {
      b = { tokens: this.capacity, at: now };
      if (this.buckets.size >= this.maxKeys) this.buckets.delete(this.buckets.keys().next().value!);
    }
    this.buckets.set(key, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return { ok: true };
    }
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - b.tokens) / this.perMs / 1000)) };
  }

  /** Drops buckets that are full again (their clients are back to a fresh budget anyway). */
  sweep(): void {
    const now = this.now();
    for (const [key, b] of this.buckets) {
      if (b.tokens + (now - b.at) * this.perMs >= this.capacity) this.buckets.delete(key);
    }
  }
}
