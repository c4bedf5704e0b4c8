/*
 * Holidays of a business calendar: explicit local dates plus the public holidays of regions
 * (`{region: "DE-BE"}`, ISO 3166 country or country-subdivision codes) from `date-holidays`, a
 * maintained holiday library, for every year. A region's holidays are computed once per year
 * (~2 ms each) and kept; each is a local date (or several, for multi-day holidays) applied in the
 * calendar's own time zone, like the explicit dates. (date-holidays' own `timezone` option only
 * moves the start/end instants, and makes a year cost ~100 ms, so the dates are taken as such.)
 */
import type Holidays from 'date-holidays';

export interface HolidayLookup {
  /** True when the local date (YYYY-MM-DD) is a holiday. */
  has(localDate: string): boolean;
}

export interface HolidayRegion {
  /** As written in the file, for messages. */
  code: string;
  country: string;
  state?: string;
}

const REGION_CODE = /^([A-Za-z]{2})(?:-([A-Za-z0-9]{1,3}))?$/;
let directory: Holidays | undefined;

/** Loaded on first use (its data costs ~0.2 s to load): most policy files name no region. */
function library(): typeof Holidays {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('date-holidays') as typeof Holidays;
}

/** Parses and checks a region code against date-holidays' directory; a reason when unknown. */
export function resolveRegion(code: string): { ok: true; region: HolidayRegion } | { ok: false; reason: string } {
  const m = REGION_CODE.exec(code);
  if (!m) return { ok: false, reason: `invalid region ${JSON.stringify(code)}: expected an ISO 3166 code such as "DE" or "DE-BE"` };
  directory ??= new (library())();
  const country = m[1].toUpperCase();
  if (!directory.getCountries()[country]) return { ok: false, reason: `unknown region ${JSON.stringify(code)}: no holiday data for country ${country}` };
  if (m[2] === undefined) return { ok: true, region: { code, country } };
  const state = m[2].toUpperCase();
  const states = directory.getStates(country) ?? {};
  if (!states[state]) {
    const known = Object.keys(states);
    return { ok: false, reason: `unknown region ${JSON.stringify(code)}: ${country} has ${known.length ? `the subdivisions ${known.join(', ')}` : 'no subdivisions with holiday data'}` };
  }
  return { ok: true, region: { code, country, state } };
}

const DAY_MS = 86_400_000;

/** Explicit dates and regional public holidays, by local date. */
export class HolidayCalendar implements HolidayLookup {
  private readonly byYear = new Map<number, Set<string>>();
  /** Public holidays of one source and year as [first local date (epoch ms), days]. */
  private readonly raw = new Map<string, Array<[number, number]>>();
  private readonly sources: Holidays[];

  constructor(
    private readonly dates: ReadonlySet<string>,
    regions: readonly HolidayRegion[],
  ) {
    const Lib = regions.length ? library() : undefined;
    this.sources = regions.map((r) => (r.state === undefined ? new Lib!(r.country, { types: ['public'] }) : new Lib!(r.country, r.state, { types: ['public'] })));
  }

  has(localDate: string): boolean {
    if (this.dates.has(localDate)) return true;
    if (this.sources.length === 0) return false;
    return this.regional(Number(localDate.slice(0, 4))).has(localDate);
  }

  /** Public holidays of the regions in one year (a holiday of n days counts n local dates). */
  regional(year: number): ReadonlySet<string> {
    let set = this.byYear.get(year);
    if (set) return set;
    set = new Set<string>();
    // A holiday that starts on 31 December may run into the next year: also look at the year before.
    for (const y of [year - 1, year]) {
      this.sources.forEach((src, i) => {
        for (const [first, days] of this.publicHolidays(i, src, y)) {
          for (let k = 0; k < days; k++) {
            const d = new Date(first + k * DAY_MS).toISOString().slice(0, 10);
            if (d.startsWith(String(year))) set.add(d);
          }
        }
      });
    }
    this.byYear.set(year, set);
    return set;
  }

  private publicHolidays(i: number, src: Holidays, year: number): Array<[number, number]> {
    const key = `${i}:${year}`;
    let out = this.raw.get(key);
    if (!out) {
      out = src
        .getHolidays(year)
        .filter((h) => h.type === 'public')
        .map((h) => [Date.parse(`${h.date.slice(0, 10)}T00:00:00Z`), Math.max(1, Math.round((h.end.getTime() - h.start.getTime()) / DAY_MS))] as [number, number]);
      this.raw.set(key, out);
    }
    return out;
  }
}
