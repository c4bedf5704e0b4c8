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

const cal = (yaml: string) => parsePolicies(`calendars:\n  c:\n${yaml}\npolicies: []\n`, 'c.yaml').calendars.get('c')!;
const span = (c: BusinessCalendar, from: string, to: string) => c.countBetween(ms(from), ms(to));

describe('night shifts and 24:00', () => {
  // Europe/Berlin in March 2026 before the DST change: CET = UTC+1.
  const night = cal('    timezone: Europe/Berlin\n    hours: { fri: ["22:00-06:00"], sat: ["18:00-24:00"] }');

  it('a range that crosses midnight runs from Friday 22:00 to Saturday 06:00', () => {
    // Fri 2026-03-06 22:00 CET = 21:00Z … Sat 06:00 CET = 05:00Z: 8 h
    expect(span(night, '2026-03-06T12:00:00Z', '2026-03-07T12:00:00Z')).toBe(8 * H);
    // from Fri 21:00 CET (20:00Z) + 2 h: opens 21:00Z, +2 h = 23:00Z (Saturday 00:00 CET)
    expect(utc(night.addCounted(ms('2026-03-06T20:00:00Z'), 2 * H))).toBe('2026-03-06T23:00:00.000Z');
    // a clock started Saturday 03:00 CET (02:00Z) counts the rest of Friday's shift: 3 h
    expect(span(night, '2026-03-07T02:00:00Z', '2026-03-07T12:00:00Z')).toBe(3 * H);
  });

  it('a target reached exactly at the end of a night shift is due then, not at the next opening', () => {
    // 8 h from Fri 21:00Z = Sat 05:00Z (06:00 CET), the closing instant
    expect(utc(night.addCounted(ms('2026-03-06T21:00:00Z'), 8 * H))).toBe('2026-03-07T05:00:00.000Z');
    // one more ms: Saturday's 18:00-24:00 range, opening 17:00Z
    expect(utc(night.addCounted(ms('2026-03-06T21:00:00Z'), 8 * H + 1))).toBe('2026-03-07T17:00:00.001Z');
  });

  it('24:00 is the next local midnight', () => {
    // Sat 18:00 CET (17:00Z) … Sun 00:00 CET (23:00Z): 6 h
    expect(span(night, '2026-03-07T12:00:00Z', '2026-03-08T12:00:00Z')).toBe(6 * H);
    expect(utc(night.addCounted(ms('2026-03-07T17:00:00Z'), 6 * H))).toBe('2026-03-07T23:00:00.000Z');
  });

  it('lists closed periods around night shifts', () => {
    expect(night.closedPeriods(ms('2026-03-06T20:00:00Z'), ms('2026-03-07T18:00:00Z')).map(([a, b]) => [utc(a), utc(b)])).toEqual([
      ['2026-03-06T20:00:00.000Z', '2026-03-06T21:00:00.000Z'],
      ['2026-03-07T05:00:00.000Z', '2026-03-07T17:00:00.000Z'],
    ]);
  });

  it('a holiday closes the ranges that start on it, the night shift included', () => {
    const friOff = cal('    timezone: Europe/Berlin\n    hours: { fri: ["22:00-06:00"] }\n    holidays: ["2026-03-06"]');
    expect(span(friOff, '2026-03-06T12:00:00Z', '2026-03-07T12:00:00Z')).toBe(0);
    // a holiday on the Saturday does not close Friday's shift, which started before it
    const satOff = cal('    timezone: Europe/Berlin\n    hours: { fri: ["22:00-06:00"] }\n    holidays: ["2026-03-07"]');
    expect(span(satOff, '2026-03-06T12:00:00Z', '2026-03-07T12:00:00Z')).toBe(8 * H);
  });

  it('a Sunday night shift runs into Monday', () => {
    const sun = cal('    timezone: UTC\n    hours: { sun: ["22:00-06:00"], mon: ["08:00-10:00"] }');
    // Sun 2026-03-08 22:00Z … Mon 06:00Z = 8 h, Mon 08-10 = 2 h
    expect(span(sun, '2026-03-08T00:00:00Z', '2026-03-09T23:00:00Z')).toBe(10 * H);
  });
});

describe('wall-clock times in daylight-saving changes', () => {
  it('a time in the spring-forward gap means the first instant after it (02:30 → 03:00)', () => {
    // Europe/Berlin 2026-03-29: 02:00 CET jumps to 03:00 CEST at 01:00Z
    const c = cal('    timezone: Europe/Berlin\n    hours: { sun: ["02:30-05:00"] }');
    // opens 03:00 CEST = 01:00Z (luxon alone would say 03:30), closes 05:00 CEST = 03:00Z: 2 h
    expect(span(c, '2026-03-28T12:00:00Z', '2026-03-29T12:00:00Z')).toBe(2 * H);
    expect(utc(c.addCounted(ms('2026-03-28T12:00:00Z'), 1))).toBe('2026-03-29T01:00:00.001Z');
    const end = cal('    timezone: Europe/Berlin\n    hours: { sun: ["01:00-02:30"] }');
    // 01:00 CET = 00:00Z … "02:30" = 03:00 CEST = 01:00Z: 1 h
    expect(span(end, '2026-03-28T12:00:00Z', '2026-03-29T12:00:00Z')).toBe(H);
    // America/New_York 2026-03-08: 02:00 EST jumps to 03:00 EDT (07:00Z); 02:15-03:15 is 03:00-03:15 EDT
    const ny = cal('    timezone: America/New_York\n    hours: { sun: ["02:15-03:15"] }');
    expect(span(ny, '2026-03-08T00:00:00Z', '2026-03-09T00:00:00Z')).toBe(15 * 60_000);
    expect(utc(ny.addCounted(ms('2026-03-08T00:00:00Z'), 60_000))).toBe('2026-03-08T07:01:00.000Z');
  });

  it('a time in the repeated autumn hour means its first occurrence', () => {
    // Europe/Berlin 2026-10-25: 03:00 CEST falls back to 02:00 CET at 01:00Z; 02:00-03:00 happens twice
    const c = cal('    timezone: Europe/Berlin\n    hours: { sun: ["02:30-04:00"] }');
    // 02:30 first occurrence = 02:30 CEST = 00:30Z … 04:00 CET = 03:00Z: 2.5 h
    expect(span(c, '2026-10-24T12:00:00Z', '2026-10-25T12:00:00Z')).toBe(2.5 * H);
    expect(utc(c.addCounted(ms('2026-10-24T12:00:00Z'), 1))).toBe('2026-10-25T00:30:00.001Z');
    const early = cal('    timezone: Europe/Berlin\n    hours: { sat: ["22:00-02:30"] }');
    // Sat 22:00 CEST = 20:00Z … Sun 02:30 first occurrence = 00:30Z: 4.5 h
    expect(span(early, '2026-10-24T12:00:00Z', '2026-10-25T12:00:00Z')).toBe(4.5 * H);
  });

  it('resolves instants like luxon outside the changes and is exact around them', () => {
    const c = set.calendars.get('berlin-office')!;
    for (const iso of ['2026-01-15T08:00', '2026-03-28T08:00', '2026-03-30T08:00', '2026-07-01T18:00', '2026-10-24T08:00', '2026-10-26T08:00']) {
      const [d, t] = iso.split('T');
      const day = Date.parse(`${d}T00:00:00Z`) / 86_400_000;
      const [h, mi] = t.split(':').map(Number);
      expect(c.localInstant(day, h * 60 + mi)).toBe(DateTime.fromISO(iso, { zone: 'Europe/Berlin' }).toMillis());
    }
  });
});

describe('regional holidays (date-holidays)', () => {
  const berlin = cal('    timezone: Europe/Berlin\n    hours: { mon: ["08:00-18:00"], tue: ["08:00-18:00"], wed: ["08:00-18:00"], thu: ["08:00-18:00"], fri: ["08:00-18:00"] }\n    holidays: ["2026-04-08", {region: "DE-BE"}]');

  it('skips the public holidays of the region, mixed with explicit dates', () => {
    // Thu 2026-04-02 17:00 CEST (15:00Z): 1 h; Good Friday 3rd, weekend, Easter Monday 6th;
    // Tue 7th 10 h (08-18 CEST); Wed 8th is an explicit holiday; Thu 9th 08:00 + 1 h = 09:00 CEST = 07:00Z
    expect(utc(berlin.addCounted(ms('2026-04-02T15:00:00Z'), 12 * H))).toBe('2026-04-09T07:00:00.000Z');
  });

  it('knows every year, not only the current one', () => {
    // Good Friday 2027 is 26 March, Easter Monday 29 March (CEST from 28 March): Thu 25th 17:00 CET (16:00Z)
    // 1 h; Tue 30th 08:00 CEST + 1 h = 07:00Z
    expect(utc(berlin.addCounted(ms('2027-03-25T16:00:00Z'), 2 * H))).toBe('2027-03-30T07:00:00.000Z');
  });

  it('a subdivision has its own holidays: Epiphany in Bavaria, not in Berlin', () => {
    const hours = '    timezone: Europe/Berlin\n    hours: { mon: ["08:00-18:00"], tue: ["08:00-18:00"], wed: ["08:00-18:00"] }';
    // Mon 2026-01-05 17:00 CET (16:00Z) + 2 h: 1 h Monday, then Tue 6 January 08:00 CET + 1 h = 08:00Z …
    expect(utc(cal(`${hours}\n    holidays: [{region: "DE-BE"}]`).addCounted(ms('2026-01-05T16:00:00Z'), 2 * H))).toBe('2026-01-06T08:00:00.000Z');
    // … unless Epiphany is a holiday (Bavaria): Wed 7 January 09:00 CET = 08:00Z
    expect(utc(cal(`${hours}\n    holidays: [{region: "DE-BY"}]`).addCounted(ms('2026-01-05T16:00:00Z'), 2 * H))).toBe('2026-01-07T08:00:00.000Z');
    // a whole country: Germany without a state has no Epiphany either
    expect(utc(cal(`${hours}\n    holidays: [{region: "DE"}]`).addCounted(ms('2026-01-05T16:00:00Z'), 2 * H))).toBe('2026-01-06T08:00:00.000Z');
  });
});
