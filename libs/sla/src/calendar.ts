/*
 * Business calendars: which instants count towards an SLA target (opening hours in a time zone,
 * night shifts, holidays), as plain integer arithmetic on epoch milliseconds.
 */
import type { HolidayLookup } from './holidays';
import { ZoneOffsets } from './zone-offsets';

/** A half-open interval of instants [from, to) in epoch milliseconds. */
export type Span = [from: number, to: number];

/**
 * Counted ("open") time of an SLA clock. Every computation is in epoch milliseconds and exact
 * to the millisecond; local days, opening times and daylight-saving changes come from the zone.
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

/**
 * Weekly opening hours, index 1 = Monday … 7 = Sunday: ranges as minutes after local midnight of
 * the day they start on. An end beyond 1440 runs into the next day (`22:00-06:00` is
 * [1320, 1800]); 1440 is `24:00`, the next local midnight.
 */
export type WeeklyHours = ReadonlyArray<ReadonlyArray<readonly [startMin: number, endMin: number]>>;

/** Days scanned before giving up: a calendar that is closed this long is a configuration error. */
const MAX_DAYS = 3700;
const CACHE_LIMIT = 40_000;
const DAY_MS = 86_400_000;
const MIN_MS = 60_000;

/**
 * A business calendar. Local days are numbered like UTC days (days since 1970-01-01 of the local
 * date); a day's spans are the ranges that *start* on it (a night shift belongs to the day it
 * starts on, and a holiday closes the ranges that start on that date). Spans are computed a UTC
 * year at a time and cached, so the arithmetic itself is plain integer work. The ranges that
 * contain an instant start on its local date or the one before, and a local date is its UTC date
 * ±1, so a scan starts two days before the instant's UTC day.
 */
export class BusinessCalendar implements SlaCalendar {
  private readonly dayCache = new Map<number, Span[]>();
  private readonly offsets: ZoneOffsets;

  constructor(
    readonly id: string,
    readonly zone: string,
    private readonly weekly: WeeklyHours,
    private readonly holidays: HolidayLookup,
  ) {
    this.offsets = ZoneOffsets.of(zone);
  }

  addCounted(from: number, ms: number): number {
    if (ms <= 0) return from;
    let remaining = ms;
    const first = Math.floor(from / DAY_MS) - 2;
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
    for (let day = Math.floor(from / DAY_MS) - 2; day <= last; day++) {
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
    for (let day = Math.floor(from / DAY_MS) - 2; day <= last && out.length < max; day++) {
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

  /** Open spans of the ranges starting on one local date (days since 1970-01-01), sorted; empty on holidays. */
  openSpans(day: number): Span[] {
    const spans = this.dayCache.get(day);
    if (spans) return spans;
    if (this.dayCache.size >= CACHE_LIMIT) this.dayCache.clear();
    // Fill the whole UTC year of this day at once: the zone's offsets and the regional holidays
    // are per year too.
    const year = new Date(day * DAY_MS).getUTCFullYear();
    const lastDay = Date.UTC(year + 1, 0, 1) / DAY_MS;
    for (let d = Date.UTC(year, 0, 1) / DAY_MS; d < lastDay; d++) this.dayCache.set(d, this.computeSpans(d));
    return this.dayCache.get(day)!;
  }

  private computeSpans(day: number): Span[] {
    const weekday = ((day + 3) % 7 + 7) % 7 + 1; // 1970-01-01 was a Thursday; 1 = Monday
    const ranges = this.weekly[weekday] ?? [];
    if (!ranges.length || this.holidays.has(new Date(day * DAY_MS).toISOString().slice(0, 10))) return [];
    const out: Span[] = [];
    for (const [s, e] of ranges) {
      const a = this.localInstant(day, s);
      const b = this.localInstant(day, e);
      if (b > a) out.push([a, b]);
    }
    return out;
  }

  /**
   * The instant of local wall time `minutes` after midnight of a local date (beyond 1440: on the
   * next date). A time skipped by a daylight-saving change means the first instant after the gap
   * (an opening at 02:30 on the spring-forward day opens at 03:00); a repeated time means its first
   * occurrence. So "08:00-18:00" is the hours actually lived between those wall times.
   */
  localInstant(day: number, minutes: number): number {
    return this.offsets.instantOfWall(day * DAY_MS + minutes * MIN_MS);
  }
}
