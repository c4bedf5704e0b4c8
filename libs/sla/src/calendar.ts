import { DateTime } from 'luxon';

/** A half-open interval of instants [from, to) in epoch milliseconds. */
export type Span = [from: number, to: number];

/**
 * Counted ("open") time of an SLA clock. Every computation is in epoch milliseconds and exact
 * to the millisecond; local days, opening times and daylight-saving changes come from luxon.
 */
export interface SlaCalendar {
  readonly id: string | undefined;
  /** The instant at which `ms` counted milliseconds have elapsed since `from`. */
  addCounted(from: number, ms: number): number;
  /** Counted milliseconds in [from, to); 0 when to <= from. */
  countBetween(from: number, to: number): number;
  /** The closed (not counted) periods inside [from, to), merged, at most `max` of them. */
  closedPeriods(from: number, to: number, max?: number): Span[];
}

/** No calendar: the clock runs 24/7. */
export const ALWAYS_OPEN: SlaCalendar = {
  id: undefined,
  addCounted: (from, ms) => from + Math.max(0, ms),
  countBetween: (from, to) => Math.max(0, to - from),
  closedPeriods: () => [],
};

/** Weekly opening hours as minutes after local midnight, index 1 = Monday … 7 = Sunday (luxon). */
export type WeeklyHours = ReadonlyArray<ReadonlyArray<readonly [startMin: number, endMin: number]>>;

/** Days scanned before giving up: a calendar that is closed this long is a configuration error. */
const MAX_DAYS = 3700;
const CACHE_LIMIT = 20_000;

export class BusinessCalendar implements SlaCalendar {
  private readonly dayCache = new Map<number, Span[]>();

  constructor(
    readonly id: string,
    readonly zone: string,
    private readonly weekly: WeeklyHours,
    private readonly holidays: ReadonlySet<string>,
  ) {}

  addCounted(from: number, ms: number): number {
    if (ms <= 0) return from;
    let remaining = ms;
    let day = this.localDay(from);
    for (let i = 0; i < MAX_DAYS; i++, day = day.plus({ days: 1 })) {
      for (const [a, b] of this.openSpans(day)) {
        if (b <= from) continue;
        const start = Math.max(a, from);
        if (remaining <= b - start) return start + remaining;
        remaining -= b - start;
      }
    }
    throw new Error(`calendar ${this.id}: no opening within ${MAX_DAYS} days after ${new Date(from).toISOString()}`);
  }

  countBetween(from: number, to: number): number {
    if (to <= from) return 0;
    let total = 0;
    for (let day = this.localDay(from); day.toMillis() < to; day = day.plus({ days: 1 })) {
      for (const [a, b] of this.openSpans(day)) {
        const lo = Math.max(a, from);
        const hi = Math.min(b, to);
        if (hi > lo) total += hi - lo;
      }
    }
    return total;
  }

  closedPeriods(from: number, to: number, max = 50): Span[] {
    const out: Span[] = [];
    if (to <= from) return out;
    let cursor = from; // counted up to here, or the start of the current closed stretch
    for (let day = this.localDay(from); day.toMillis() < to && out.length < max; day = day.plus({ days: 1 })) {
      for (const [a, b] of this.openSpans(day)) {
        if (b <= cursor) continue;
        if (a >= to) break;
        if (a > cursor) out.push([cursor, a]);
        cursor = Math.max(cursor, b);
        if (out.length >= max) break;
      }
    }
    if (cursor < to && out.length < max) out.push([cursor, to]);
    return out;
  }

  /** Open spans of one local calendar day, as instants, sorted; empty on holidays. */
  openSpans(day: DateTime): Span[] {
    const key = day.year * 10_000 + day.month * 100 + day.day;
    let spans = this.dayCache.get(key);
    if (spans) return spans;
    spans = [];
    const ranges = this.weekly[day.weekday] ?? [];
    if (ranges.length && !this.holidays.has(day.toISODate()!)) {
      for (const [s, e] of ranges) {
        const a = this.localInstant(day, s);
        const b = this.localInstant(day, e);
        if (b > a) spans.push([a, b]);
      }
    }
    if (this.dayCache.size >= CACHE_LIMIT) this.dayCache.clear();
    this.dayCache.set(key, spans);
    return spans;
  }

  private localDay(ms: number): DateTime {
    return DateTime.fromMillis(ms, { zone: this.zone }).startOf('day');
  }

  /**
   * Local wall time `minutes` after midnight on `day`. 24:00 is the next local midnight. A time
   * inside a spring-forward gap is moved forward by luxon (02:30 → 03:30 in Europe/Berlin); an
   * ambiguous fall-back time resolves to one of its two instants, so "08:00-18:00" is always 10
   * local hours and a range over the change counts the hours actually lived.
   */
  private localInstant(day: DateTime, minutes: number): number {
    if (minutes >= 1440) return day.plus({ days: 1 }).toMillis();
    return DateTime.fromObject(
      { year: day.year, month: day.month, day: day.day, hour: Math.floor(minutes / 60), minute: minutes % 60 },
      { zone: this.zone },
    ).toMillis();
  }
}
