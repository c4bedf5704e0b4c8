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

const DAY_MS = 86_400_000;

/**
 * A business calendar. Local days are numbered like UTC days (days since 1970-01-01 of the local
 * date); each day's open spans are computed once with luxon and cached, so the arithmetic itself
 * is plain integer work. An instant's local date is its UTC date ±1 (offsets are within ±14 h),
 * so a scan starts at the UTC day before and skips spans that end before the instant.
 */
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
    const first = Math.floor(from / DAY_MS) - 1;
    for (let day = first; day < first + MAX_DAYS; day++) {
      for (const [a, b] of this.openSpans(day)) {
        if (b <= from) continue;
        const start = a > from ? a : from;
        if (remaining <= b - start) return start + remaining;
        remaining -= b - start;
      }
    }
    throw new Error(`calendar ${this.id}: no opening within ${MAX_DAYS} days after ${new Date(from).toISOString()}`);
  }

  countBetween(from: number, to: number): number {
    if (to <= from) return 0;
    let total = 0;
    const last = Math.floor(to / DAY_MS) + 1;
    for (let day = Math.floor(from / DAY_MS) - 1; day <= last; day++) {
      for (const [a, b] of this.openSpans(day)) {
        const lo = a > from ? a : from;
        const hi = b < to ? b : to;
        if (hi > lo) total += hi - lo;
      }
    }
    return total;
  }

  closedPeriods(from: number, to: number, max = 50): Span[] {
    const out: Span[] = [];
    if (to <= from) return out;
    let cursor = from; // counted up to here, or the start of the current closed stretch
    const last = Math.floor(to / DAY_MS) + 1;
    for (let day = Math.floor(from / DAY_MS) - 1; day <= last && out.length < max; day++) {
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

  /** Open spans of one local calendar day (days since 1970-01-01), as sorted instants; empty on holidays. */
  openSpans(day: number): Span[] {
    let spans = this.dayCache.get(day);
    if (spans) return spans;
    spans = [];
    const date = new Date(day * DAY_MS);
    const weekday = ((day + 3) % 7 + 7) % 7 + 1; // 1970-01-01 was a Thursday; 1 = Monday
    const ranges = this.weekly[weekday] ?? [];
    if (ranges.length && !this.holidays.has(date.toISOString().slice(0, 10))) {
      const ymd = { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
      for (const [s, e] of ranges) {
        const a = this.localInstant(ymd, s);
        const b = this.localInstant(ymd, e);
        if (b > a) spans.push([a, b]);
      }
    }
    if (this.dayCache.size >= CACHE_LIMIT) this.dayCache.clear();
    this.dayCache.set(day, spans);
    return spans;
  }

  /**
   * Local wall time `minutes` after midnight of a local date. 24:00 is the next local midnight. A
   * time inside a spring-forward gap is moved forward by luxon (02:30 → 03:30 in Europe/Berlin);
   * an ambiguous fall-back time resolves to one of its two instants, so "08:00-18:00" is always
   * 10 local hours and a range over the change counts the hours actually lived.
   */
  private localInstant(ymd: { year: number; month: number; day: number }, minutes: number): number {
    const dt = DateTime.fromObject(ymd, { zone: this.zone });
    if (minutes >= 1440) return dt.plus({ days: 1 }).startOf('day').toMillis();
    return DateTime.fromObject({ ...ymd, hour: Math.floor(minutes / 60), minute: minutes % 60 }, { zone: this.zone }).toMillis();
  }
}
