import { DateTime } from 'luxon';
import { ALWAYS_OPEN, BusinessCalendar } from './calendar';
import { parsePolicies } from './policy';

const H = 3_600_000;
const ms = (iso: string) => Date.parse(iso);
const utc = (n: number) => new Date(n).toISOString();

const set = parsePolicies(`
calendars:
  berlin-office:
    timezone: Europe/Berlin
    hours: { mon: ["08:00-18:00"], tue: ["08:00-18:00"], wed: ["08:00-18:00"], thu: ["08:00-18:00"], fri: ["08:00-16:00"] }
    holidays: ["2026-12-24", "2026-12-25"]
  berlin-always:
    timezone: Europe/Berlin
    hours: { mon: ["00:00-24:00"], tue: ["00:00-24:00"], wed: ["00:00-24:00"], thu: ["00:00-24:00"], fri: ["00:00-24:00"], sat: ["00:00-24:00"], sun: ["00:00-24:00"] }
  split:
    timezone: America/New_York
    hours: { mon: ["09:00-12:00", "13:00-17:00"] }
policies: []
`, 'cal.yaml');
const office = set.calendars.get('berlin-office')!;
const always = set.calendars.get('berlin-always')!;
const split = set.calendars.get('split')!;

describe('BusinessCalendar (Europe/Berlin office hours)', () => {
  it('counts within one open day', () => {
    // Tue 2026-03-03 09:00 CET = 08:00Z, + 4h → 13:00 CET
    expect(utc(office.addCounted(ms('2026-03-03T08:00:00Z'), 4 * H))).toBe('2026-03-03T12:00:00.000Z');
  });

  it('skips the weekend: Friday closes at 16:00, Monday opens at 08:00', () => {
    // Fri 2026-03-06 15:00 CET: 1h on Friday, 3h on Monday → Mon 11:00 CET
    expect(utc(office.addCounted(ms('2026-03-06T14:00:00Z'), 4 * H))).toBe('2026-03-09T10:00:00.000Z');
    expect(office.countBetween(ms('2026-03-06T14:00:00Z'), ms('2026-03-09T10:00:00Z'))).toBe(4 * H);
  });

  it('reaching the target exactly at closing time is due at closing time, not next morning', () => {
    expect(utc(office.addCounted(ms('2026-03-06T13:00:00Z'), 2 * H))).toBe('2026-03-06T15:00:00.000Z');
  });

  it('skips holidays given as local dates', () => {
    // Wed 2026-12-23 17:00 CET: 1h, Thu 24 + Fri 25 holidays, weekend, Mon 28 08:00 + 3h
    expect(utc(office.addCounted(ms('2026-12-23T16:00:00Z'), 4 * H))).toBe('2026-12-28T10:00:00.000Z');
  });

  it('handles the spring DST change (last Sunday of March: 2026-03-29)', () => {
    // Fri 2026-03-27 15:00 CET (+01:00) → Mon 2026-03-30 11:00 CEST (+02:00) = 09:00Z
    expect(utc(office.addCounted(ms('2026-03-27T14:00:00Z'), 4 * H))).toBe('2026-03-30T09:00:00.000Z');
  });

  it('handles the autumn DST change (last Sunday of October: 2026-10-25)', () => {
    // Fri 2026-10-23 15:00 CEST (+02:00) → Mon 2026-10-26 11:00 CET (+01:00) = 10:00Z
    expect(utc(office.addCounted(ms('2026-10-23T13:00:00Z'), 4 * H))).toBe('2026-10-26T10:00:00.000Z');
  });

  it('a day is 24 counted hours, also across a DST change (the local day has 23 hours)', () => {
    expect(utc(always.addCounted(ms('2026-03-28T11:00:00Z'), 24 * H))).toBe('2026-03-29T11:00:00.000Z');
    expect(always.countBetween(ms('2026-03-29T00:00:00+01:00'), ms('2026-03-30T00:00:00+02:00'))).toBe(23 * H);
    expect(always.countBetween(ms('2026-10-25T00:00:00+02:00'), ms('2026-10-26T00:00:00+01:00'))).toBe(25 * H);
  });

  it('a clock started outside hours starts counting at the next opening', () => {
    // Sat 2026-03-07 10:00 CET + 1h → Mon 09:00 CET
    expect(utc(office.addCounted(ms('2026-03-07T09:00:00Z'), H))).toBe('2026-03-09T08:00:00.000Z');
    // Tue 06:00 CET + 90 s → Tue 08:01:30 CET
    expect(utc(office.addCounted(ms('2026-03-03T05:00:00Z'), 90_000))).toBe('2026-03-03T07:01:30.000Z');
  });

  it('is exact to the millisecond and countBetween inverts addCounted', () => {
    const start = ms('2026-03-26T16:59:59.999Z');
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let i = 0; i < 300; i++) {
      const from = start + Math.floor(rnd() * 40 * 86_400_000);
      const d = 1 + Math.floor(rnd() * 60 * H);
      const end = office.addCounted(from, d);
      expect(office.countBetween(from, end)).toBe(d);
      // one ms less never reaches the end
      expect(office.addCounted(from, d - 1)).toBeLessThan(end);
    }
  });

  it('lists the closed periods (evidence) merged across nights and weekends', () => {
    const periods = office.closedPeriods(ms('2026-03-05T16:00:00Z'), ms('2026-03-09T10:00:00Z'));
    expect(periods.map(([a, b]) => [utc(a), utc(b)])).toEqual([
      ['2026-03-05T17:00:00.000Z', '2026-03-06T07:00:00.000Z'],
      ['2026-03-06T15:00:00.000Z', '2026-03-09T07:00:00.000Z'],
    ]);
    const outside = office.closedPeriods(ms('2026-03-07T09:00:00Z'), ms('2026-03-09T08:00:00Z'));
    expect(outside.map(([a, b]) => [utc(a), utc(b)])).toEqual([['2026-03-07T09:00:00.000Z', '2026-03-09T07:00:00.000Z']]);
  });

  it('supports split shifts in another zone', () => {
    // Mon 2026-03-09 11:00 EDT (DST began 2026-03-08 in the US) + 2h → 1h morning, 1h after lunch → 14:00 EDT
    const from = DateTime.fromISO('2026-03-09T11:00', { zone: 'America/New_York' }).toMillis();
    expect(utc(split.addCounted(from, 2 * H))).toBe('2026-03-09T18:00:00.000Z');
  });

  it('without a calendar the clock runs 24/7', () => {
    expect(ALWAYS_OPEN.addCounted(1000, 5)).toBe(1005);
    expect(ALWAYS_OPEN.countBetween(1000, 900)).toBe(0);
    expect(office).toBeInstanceOf(BusinessCalendar);
  });
});
