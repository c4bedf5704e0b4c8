/** Small seeded PRNG (mulberry32) so a seed reproduces a load exactly. */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0 || 0x9e3779b9;
  }

  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(maxExclusive: number): number {
    return Math.floor(this.next() * maxExclusive);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  /** A hex id from the stream, so ids repeat with the seed too. */
  id(len = 12): string {
    let s = '';
    while (s.length < len) s += this.int(0x100000000).toString(16).padStart(8, '0');
    return s.slice(0, len);
  }
}

/** Zipf(s) over ranks 1..n by inverse CDF on a precomputed table: a few items get most activity. */
export class Zipf {
  private readonly cdf: Float64Array;

  constructor(n: number, s = 1.1) {
    this.cdf = new Float64Array(n);
    let sum = 0;
    for (let k = 1; k <= n; k++) this.cdf[k - 1] = sum += 1 / k ** s;
    for (let k = 0; k < n; k++) this.cdf[k] /= sum;
  }

  /** A 0-based rank. */
  sample(r: SeededRandom): number {
    const u = r.next();
    let lo = 0;
    let hi = this.cdf.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cdf[mid] < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
