/** One sample of a Prometheus text exposition: `name{labels}` → value. */
export type Scrape = Map<string, number>;

const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)/;

export async function scrape(url: string): Promise<Scrape> {
  const text = await (await fetch(url)).text();
  const out: Scrape = new Map();
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const m = LINE.exec(line);
    if (m) out.set(m[1] + (m[2] ?? ''), Number(m[3]));
  }
  return out;
}

/** Sum of every series of `name` whose labels contain all of `match` (e.g. `outcome="ok"`). */
export function sum(s: Scrape, name: string, ...match: string[]): number {
  let total = 0;
  for (const [k, v] of s) {
    const base = k.split('{')[0];
    if (base === name && match.every((m) => k.includes(m))) total += v;
  }
  return total;
}

/** A quantile estimated from cumulative histogram buckets, the way histogram_quantile does. */
export function histogramQuantile(s: Scrape, name: string, q: number): number | null {
  const buckets = new Map<number, number>();
  for (const [k, v] of s) {
    if (!k.startsWith(`${name}_bucket{`)) continue;
    const le = /le="([^"]+)"/.exec(k)?.[1];
    if (!le) continue;
    const bound = le === '+Inf' ? Infinity : Number(le);
    buckets.set(bound, (buckets.get(bound) ?? 0) + v);
  }
  const sorted = [...buckets].sort((a, b) => a[0] - b[0]);
  const total = sorted.at(-1)?.[1] ?? 0;
  if (total === 0) return null;
  const rank = q * total;
  let prevBound = 0;
  let prevCount = 0;
  for (const [bound, count] of sorted) {
    if (count >= rank) {
      if (bound === Infinity) return prevBound;
      return prevBound + ((bound - prevBound) * (rank - prevCount)) / Math.max(1, count - prevCount);
    }
    prevBound = bound;
    prevCount = count;
  }
  return prevBound;
}
