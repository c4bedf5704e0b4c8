/*
 * SLA policy files (docs/contract.md (SLA semantics)): validation with messages that name the bad field, compilation
 * into calendars and policies, and matching a conversation's attributes to the first policy.
 */
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { type z } from 'zod';
import { type SlaMetric } from '@cx/contracts';
import { ALWAYS_OPEN, BusinessCalendar, type SlaCalendar } from './calendar';
import { HolidayCalendar, resolveRegion, type HolidayRegion } from './holidays';
import { DAYS, formatMinutes, PolicyFileSchema, TARGET_METRICS, type TargetMetric } from './policy-schema';

export { TARGET_METRICS, type TargetMetric };

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
  /** Share of clocks that should meet their target (0..1), for the attainment alert; absent = no alert. */
  attainmentTarget?: number;
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

type Range = readonly [number, number];

/**
 * Ranges must not overlap, also across midnight: a night shift `fri 22:00-06:00` and `sat
 * 05:00-10:00` would count the same hour twice. Checked on the week as a circle of minutes.
 */
function overlapProblems(id: string, weekly: Range[][]): string[] {
  const problems: string[] = [];
  const spans: Array<{ a: number; b: number; day: number; r: Range }> = [];
  weekly.forEach((ranges, i) => {
    for (const r of ranges) {
      const a = i * 1440 + r[0];
      const b = i * 1440 + r[1];
      spans.push({ a, b, day: i, r });
      if (b > 7 * 1440) spans.push({ a: a - 7 * 1440, b: b - 7 * 1440, day: i, r }); // Sunday night into Monday
    }
  });
  spans.sort((x, y) => x.a - y.a || x.b - y.b);
  const text = (s: (typeof spans)[number]) => `${DAYS[s.day]} "${formatMinutes(s.r[0])}-${formatMinutes(s.r[1])}"`;
  let reach: (typeof spans)[number] | undefined; // the span reaching furthest so far
  for (const q of spans) {
    if (reach && q.a < reach.b) {
      const msg =
        reach.day === q.day
          ? `calendars.${id}.hours.${DAYS[q.day]}: time ranges overlap`
          : `calendars.${id}.hours.${DAYS[q.day]}: ${text(q)} overlaps ${text(reach)} (a range that crosses midnight belongs to the day it starts on)`;
      if (!problems.includes(msg)) problems.push(msg);
    }
    if (!reach || q.b > reach.b) reach = q;
  }
  return problems;
}

/** Validates a parsed policy document (plain object) and compiles it; throws PolicyFileError. */
export function compilePolicies(doc: unknown, source = '(inline)'): PolicySet {
  const parsed = PolicyFileSchema.safeParse(doc ?? {});
  if (!parsed.success) throw new PolicyFileError(source, describeIssues(parsed.error));
  const problems: string[] = [];
  const calendars = new Map<string, BusinessCalendar>();
  for (const [id, cal] of Object.entries(parsed.data.calendars)) {
    const weekly: Range[][] = DAYS.map((day) => [...(cal.hours[day] ?? [])].sort((a, b) => a[0] - b[0]));
    problems.push(...overlapProblems(id, weekly));
    if (weekly.every((r) => r.length === 0)) problems.push(`calendars.${id}.hours: no open hours on any day`);
    const dates = new Set<string>();
    const regions: HolidayRegion[] = [];
    cal.holidays.forEach((h, j) => {
      if (typeof h === 'string') return void dates.add(h);
      const r = resolveRegion(h.region);
      if (r.ok) regions.push(r.region);
      else problems.push(`calendars.${id}.holidays[${j}].region: ${r.reason}`);
    });
    calendars.set(id, new BusinessCalendar(id, cal.timezone, [[], ...weekly], new HolidayCalendar(dates, regions)));
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
      ...(p.attainmentTarget !== undefined ? { attainmentTarget: p.attainmentTarget } : {}),
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
