/*
 * UTC offsets of an IANA zone, and local wall-clock times resolved to instants the way docs/contract.md
 * libs/sla/README.md (calendars) says: a time skipped when daylight saving starts means the first instant after the gap, a
 * time that occurs twice when it ends means its first occurrence. Asking luxon (Intl) for an
 * offset costs 10-50 µs, so the offset changes of each UTC year are found once per zone (sampled
 * weekly, each change located to the millisecond by bisection: ~110 lookups a year) and every
 * later lookup is a scan of a handful of numbers. (No zone changes its offset twice within a week.)
 */
import { IANAZone } from 'luxon';

const YEAR_SAMPLE_MS = 7 * 86_400_000;
const DAY_MS = 86_400_000;

interface YearOffsets {
  /** Offset (ms) at the start of the year. */
  first: number;
  /** Changes inside the year: [instant, offset from that instant on], ascending. */
  changes: Array<[number, number]>;
}

export class ZoneOffsets {
  private static readonly zones = new Map<string, ZoneOffsets>();
  private readonly years = new Map<number, YearOffsets>();
  private readonly zone: IANAZone;

  private constructor(readonly name: string) {
    this.zone = IANAZone.create(name);
  }

  /** One shared instance per zone name (offsets do not depend on the calendar). */
  static of(name: string): ZoneOffsets {
    let z = ZoneOffsets.zones.get(name);
    if (!z) ZoneOffsets.zones.set(name, (z = new ZoneOffsets(name)));
    return z;
  }

  /** UTC offset in ms at an instant (local = instant + offset). */
  offsetAt(ts: number): number {
    const y = this.yearOf(new Date(ts).getUTCFullYear());
    let o = y.first;
    for (const [at, off] of y.changes) {
      if (ts < at) break;
      o = off;
    }
    return o;
  }

  /**
   * The instant of a local wall-clock time, given as `Date.UTC(y, m, d, h, mi)` of the local
   * fields. Gap: the first instant after it; overlap: the first occurrence.
   */
  instantOfWall(wall: number): number {
    const before = this.offsetAt(wall - DAY_MS);
    const after = this.offsetAt(wall + DAY_MS);
    const a = wall - before;
    const b = wall - after;
    const aOk = this.offsetAt(a) === before;
    const bOk = this.offsetAt(b) === after;
    if (aOk && bOk) return Math.min(a, b); // repeated hour (or no change at all: a === b)
    if (aOk) return a;
    if (bOk) return b;
    // Skipped hour: the offset switches from `before` to `after` somewhere in (b, a]; the wall
    // time does not exist, so it means the instant the clocks jumped.
    let lo = Math.min(a, b);
    let hi = Math.max(a, b);
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (this.offsetAt(mid) === after) hi = mid;
      else lo = mid;
    }
    return hi;
  }

  private rawOffset(ts: number): number {
    return Math.round(this.zone.offset(ts) * 60_000);
  }

  private yearOf(year: number): YearOffsets {
    let y = this.years.get(year);
    if (y) return y;
    const start = Date.UTC(year, 0, 1);
    const end = Date.UTC(year + 1, 0, 1);
    const first = this.rawOffset(start);
    const changes: Array<[number, number]> = [];
    let prevT = start;
    let prevO = first;
    for (let t = start + YEAR_SAMPLE_MS; ; t = Math.min(t + YEAR_SAMPLE_MS, end)) {
      const o = this.rawOffset(t);
      if (o !== prevO) {
        // Bisect (prevT, t] for the first instant with the new offset.
        let lo = prevT;
        let hi = t;
        while (hi - lo > 1) {
          const mid = Math.floor((lo + hi) / 2);
          if (this.rawOffset(mid) === prevO) lo = mid;
          else hi = mid;
        }
        if (hi < end) changes.push([hi, o]);
        prevO = o;
      }
      prevT = t;
      if (t >= end) break;
    }
    y = { first, changes };
    this.years.set(year, y);
    return y;
  }
}
