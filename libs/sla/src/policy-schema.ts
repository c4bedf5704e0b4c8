/*
 * The zod schema of the SLA policy file (docs/contract.md (SLA semantics)). Compilation (cross-references, calendars,
 * regions) is in policy.ts; this file only says what a well-formed document looks like, so every
 * message can name the path of the bad field.
 */
import { IANAZone, DateTime } from 'luxon';
import { z } from 'zod';
import { Channel, Priority } from '@cx/contracts';
import { parseIsoDuration } from './duration';

/** The metrics a policy sets a target for; `promise` is due at its own `dueAt`. */
export const TARGET_METRICS = ['firstResponse', 'nextResponse', 'resolution', 'queueWait'] as const;
export type TargetMetric = (typeof TARGET_METRICS)[number];

export const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

/** A value or a list of values; a single value is read as a one-element list. */
const oneOrMany = <T extends z.ZodType>(item: T) =>
  z.preprocess((v) => (Array.isArray(v) || v === undefined ? v : [v]), z.array(item).min(1));

const Duration = z.string().transform((text, ctx) => {
  const r = parseIsoDuration(text);
  if (r.ok) return r.ms;
  ctx.addIssue({ code: 'custom', message: r.reason });
  return z.NEVER;
});

/**
 * "HH:MM-HH:MM" as [start, end] minutes after the local midnight of the day it starts on. An end
 * at or before the start crosses midnight (`22:00-06:00` = [1320, 1800]); `24:00` is the next
 * midnight and only an end.
 */
const TimeRange = z.string().transform((text, ctx) => {
  const m = /^(\d{2}):(\d{2})-(\d{2}):(\d{2})$/.exec(text);
  if (!m) {
    ctx.addIssue({ code: 'custom', message: `invalid time range "${text}": expected "HH:MM-HH:MM"` });
    return z.NEVER;
  }
  const [, h1, m1, h2, m2] = m;
  const bad = (h: string, mi: string, end: boolean) =>
    Number(mi) > 59 || Number(h) > 24 || (Number(h) === 24 && (!end || Number(mi) !== 0));
  if (bad(h1, m1, false) || bad(h2, m2, true)) {
    ctx.addIssue({ code: 'custom', message: `invalid time range "${text}": hours 00-23, minutes 00-59, 24:00 only as an end` });
    return z.NEVER;
  }
  const start = Number(h1) * 60 + Number(m1);
  let end = Number(h2) * 60 + Number(m2);
  if (end === start) {
    ctx.addIssue({ code: 'custom', message: `invalid time range "${text}": the end must differ from the start (a whole day is "00:00-24:00")` });
    return z.NEVER;
  }
  if (end < start) end += 1440; // crosses midnight: ends on the next day
  return [start, end] as [number, number];
});

const LocalDate = z.string().refine((s) => /^\d{4}-\d{2}-\d{2}$/.test(s) && DateTime.fromISO(s).isValid, {
  error: (i) => `invalid date ${JSON.stringify(i.input)}: expected a local date YYYY-MM-DD or {region: "DE-BE"}`,
});

/** A holiday entry: a local date, or a region whose public holidays apply (checked in policy.ts). */
const HolidayEntry = z.union([LocalDate, z.strictObject({ region: z.string().min(1) })], {
  error: (i) => `invalid holiday ${JSON.stringify(i.input)}: expected a local date YYYY-MM-DD or {region: "DE-BE"}`,
});

export const CalendarSchema = z.strictObject({
  timezone: z.string().refine((tz) => IANAZone.isValidZone(tz), {
    error: (i) => `unknown time zone ${JSON.stringify(i.input)}: expected an IANA zone such as Europe/Berlin`,
  }),
  hours: z.strictObject(Object.fromEntries(DAYS.map((d) => [d, z.array(TimeRange).optional()])) as Record<(typeof DAYS)[number], z.ZodOptional<z.ZodArray<typeof TimeRange>>>),
  holidays: z.array(HolidayEntry).default([]),
});

const Fraction = z.number().refine((n) => n > 0 && n < 1, { error: (i) => `warnAt entries are fractions of the target, 0 < x < 1, got ${JSON.stringify(i.input)}` });

const PolicySchema = z.strictObject({
  id: z.string().min(1),
  match: z
    .strictObject({
      channel: oneOrMany(Channel).optional(),
      tier: oneOrMany(z.string().min(1)).optional(),
      priority: oneOrMany(Priority).optional(),
      queue: oneOrMany(z.string().min(1)).optional(),
      tags: oneOrMany(z.string().min(1)).optional(),
    })
    .default({}),
  calendar: z.string().min(1).optional(),
  targets: z.strictObject(Object.fromEntries(TARGET_METRICS.map((m) => [m, Duration.optional()])) as Record<TargetMetric, z.ZodOptional<typeof Duration>>).default({}),
  warnAt: z.array(Fraction).default([]),
  /** Share of clocks that must meet their target (0..1), for the attainment alert. */
  attainmentTarget: z
    .number()
    .refine((n) => n >= 0 && n <= 1, { error: (i) => `attainmentTarget is a share of clocks met, 0 ≤ x ≤ 1 (0.9 = 90 %), got ${JSON.stringify(i.input)}` })
    .optional(),
});

export const PolicyFileSchema = z.strictObject({
  calendars: z.record(z.string().min(1), CalendarSchema).default({}),
  policies: z.array(PolicySchema),
});

/** "HH:MM" of minutes after midnight (beyond 1440: on the next day), for messages. */
export function formatMinutes(min: number): string {
  const m = min % 1440 === 0 && min > 0 && min <= 1440 ? 1440 : min % 1440;
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}
