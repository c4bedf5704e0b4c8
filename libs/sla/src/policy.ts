import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { IANAZone, DateTime } from 'luxon';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { Channel, Priority, type SlaMetric } from '@cx/contracts';
import { ALWAYS_OPEN, BusinessCalendar, type SlaCalendar } from './calendar';
import { parseIsoDuration } from './duration';

/** The metrics a policy sets a target for; `promise` is due at its own `dueAt`. */
export const TARGET_METRICS = ['firstResponse', 'nextResponse', 'resolution', 'queueWait'] as const;
export type TargetMetric = (typeof TARGET_METRICS)[number];

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

/** A value or a list of values; a single value is read as a one-element list. */
const oneOrMany = <T extends z.ZodType>(item: T) =>
  z.preprocess((v) => (Array.isArray(v) || v === undefined ? v : [v]), z.array(item).min(1));

const Duration = z.string().transform((text, ctx) => {
  const r = parseIsoDuration(text);
  if (r.ok) return r.ms;
  ctx.addIssue({ code: 'custom', message: r.reason });
  return z.NEVER;
});

const TimeRange = z.string().transform((text, ctx) => {
  const m = /^(\d{2}):(\d{2})-(\d{2}):(\d{2})$/.exec(text);
  const minutes = (h: string, mi: string) => Number(h) * 60 + Number(mi);
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
  const start = minutes(h1, m1);
  const end = minutes(h2, m2);
  if (end <= start) {
    ctx.addIssue({ code: 'custom', message: `invalid time range "${text}": the end must be after the start (split ranges over midnight into two days)` });
    return z.NEVER;
  }
  return [start, end] as [number, number];
});

const LocalDate = z.string().refine((s) => /^\d{4}-\d{2}-\d{2}$/.test(s) && DateTime.fromISO(s).isValid, {
  error: (i) => `invalid date ${JSON.stringify(i.input)}: expected a local date YYYY-MM-DD`,
});

const CalendarSchema = z.strictObject({
  timezone: z.string().refine((tz) => IANAZone.isValidZone(tz), {
    error: (i) => `unknown time zone ${JSON.stringify(i.input)}: expected an IANA zone such as Europe/Berlin`,
  }),
  hours: z.strictObject(Object.fromEntries(DAYS.map((d) => [d, z.array(TimeRange).optional()])) as Record<(typeof DAYS)[number], z.ZodOptional<z.ZodArray<typeof TimeRange>>>),
  holidays: z.array(LocalDate).default([]),
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
});

const PolicyFileSchema = z.strictObject({
  calendars: z.record(z.string().min(1), CalendarSchema).default({}),
  policies: z.array(PolicySchema),
});

export interface PolicyMatch {
  channel?: string[];
  tier?: string[];
  priority?: string[];
  queue?: string[];
  tags?: string[];
}

export interface CompiledPolicy {
  id: string;
  /** Position in the file: the first policy whose match holds applies. */
  index: number;
  match: PolicyMatch;
  calendar: SlaCalendar;
  /** Target per metric in counted milliseconds. */
  targets: Partial<Record<TargetMetric, number>>;
  /** Sorted, distinct warning fractions (breach = 1 is not in this list). */
  warnAt: number[];
}

export interface PolicySet {
  policies: CompiledPolicy[];
  byId: Map<string, CompiledPolicy>;
  calendars: Map<string, BusinessCalendar>;
}

/** Attributes of a conversation that policies match on; undefined = not known (yet). */
export interface ConversationAttributes {
  channel?: string;
  tier?: string;
  priority?: string;
  queue?: string;
  tags?: string[];
}

export class PolicyFileError extends Error {
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`invalid SLA policy file ${source}: ${problems.join('; ')}`);
    this.name = 'PolicyFileError';
  }
}

/** `policies[1].targets.firstResponse`, `calendars.berlin-office.hours.mon[0]`. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out ? `.${String(seg)}` : String(seg);
  }
  return out || '(root)';
}

function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((k) => `${formatPath([...issue.path, k])}: unknown field`).join('; ');
    }
    if (issue.code === 'invalid_type' && issue.input === undefined) return `${formatPath(issue.path)}: required`;
    return `${formatPath(issue.path)}: ${issue.message}`;
  });
}

/** Validates a parsed policy document (plain object) and compiles it; throws PolicyFileError. */
export function compilePolicies(doc: unknown, source = '(inline)'): PolicySet {
  const parsed = PolicyFileSchema.safeParse(doc ?? {});
  if (!parsed.success) throw new PolicyFileError(source, describeIssues(parsed.error));
  const problems: string[] = [];
  const calendars = new Map<string, BusinessCalendar>();
  for (const [id, cal] of Object.entries(parsed.data.calendars)) {
    const weekly: Array<Array<[number, number]>> = [[]];
    DAYS.forEach((day, i) => {
      const ranges = [...(cal.hours[day] ?? [])].sort((a, b) => a[0] - b[0]);
      for (let j = 1; j < ranges.length; j++) {
        if (ranges[j][0] < ranges[j - 1][1]) problems.push(`calendars.${id}.hours.${day}: time ranges overlap`);
      }
      weekly[i + 1] = ranges;
    });
    if (weekly.every((r) => r.length === 0)) problems.push(`calendars.${id}.hours: no open hours on any day`);
    calendars.set(id, new BusinessCalendar(id, cal.timezone, weekly, new Set(cal.holidays)));
  }
  const byId = new Map<string, CompiledPolicy>();
  const policies: CompiledPolicy[] = parsed.data.policies.map((p, index) => {
    if (byId.has(p.id)) problems.push(`policies[${index}].id: duplicate policy id "${p.id}"`);
    let calendar: SlaCalendar = ALWAYS_OPEN;
    if (p.calendar !== undefined) {
      const cal = calendars.get(p.calendar);
      if (cal) calendar = cal;
      else {
        const known = [...calendars.keys()];
        problems.push(`policies[${index}].calendar: unknown calendar "${p.calendar}" (defined: ${known.length ? known.join(', ') : 'none'})`);
      }
    }
    const compiled: CompiledPolicy = {
      id: p.id,
      index,
      match: p.match,
      calendar,
      targets: p.targets,
      warnAt: [...new Set(p.warnAt)].sort((a, b) => a - b),
    };
    byId.set(p.id, compiled);
    return compiled;
  });
  if (problems.length) throw new PolicyFileError(source, problems);
  return { policies, byId, calendars };
}

/** Parses YAML or JSON text (JSON is read as JSON when the name ends in .json, else as YAML). */
export function parsePolicies(text: string, source = '(inline)'): PolicySet {
  let doc: unknown;
  try {
    doc = extname(source).toLowerCase() === '.json' ? JSON.parse(text) : parseYaml(text, { uniqueKeys: true });
  } catch (e) {
    throw new PolicyFileError(source, [`not valid ${extname(source).toLowerCase() === '.json' ? 'JSON' : 'YAML'}: ${(e as Error).message.split('\n')[0]}`]);
  }
  return compilePolicies(doc, source);
}

/** Reads and validates a policy file; the error message names the path of each bad field. */
export function loadPolicyFile(path: string): PolicySet {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new PolicyFileError(path, [`cannot read: ${(e as Error).message}`]);
  }
  return parsePolicies(text, path);
}

function holds(wanted: string[] | undefined, actual: string | undefined): boolean {
  return wanted === undefined || (actual !== undefined && wanted.includes(actual));
}

/**
 * The first policy whose match holds. A condition on an attribute that is not known yet (no
 * `opened` event so far) does not hold; `tags` holds when the conversation has any listed tag.
 */
export function matchPolicy(set: PolicySet, attrs: ConversationAttributes): CompiledPolicy | undefined {
  for (const p of set.policies) {
    const m = p.match;
    if (!holds(m.channel, attrs.channel)) continue;
    if (!holds(m.tier, attrs.tier)) continue;
    if (!holds(m.priority, attrs.priority)) continue;
    if (!holds(m.queue, attrs.queue)) continue;
    if (m.tags !== undefined && !(attrs.tags ?? []).some((t) => m.tags!.includes(t))) continue;
    return p;
  }
  return undefined;
}

export type { SlaMetric };
