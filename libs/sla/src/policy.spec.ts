import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPolicyFile, matchPolicy, parsePolicies, PolicyFileError } from './policy';
import { parseIsoDuration } from './duration';

const EXAMPLE = `
calendars:
  berlin-office:
    timezone: Europe/Berlin
    hours: { mon: ["08:00-18:00"], tue: ["08:00-18:00"], wed: ["08:00-18:00"],
             thu: ["08:00-18:00"], fri: ["08:00-16:00"] }   # days left out are closed
    holidays: ["2026-12-24", "2026-12-25"]                   # local dates
policies:                       # the first policy whose match holds applies
  - id: vip-chat
    match: { channel: chat, tier: [vip] }   # also: priority [..], queue [..], tags [..] (any)
    targets: { firstResponse: PT1M, nextResponse: PT3M, resolution: PT2H }
    warnAt: [0.8]               # fractions of the target: a warning event at each
  - id: email-business
    match: { channel: email }
    calendar: berlin-office     # no calendar: the clock runs 24/7
    targets: { firstResponse: PT4H, resolution: PT20H }
  - id: phone
    match: { channel: call }
    targets: { queueWait: PT60S }
`;

function errorOf(text: string, name = 'p.yaml'): string {
  try {
    parsePolicies(text, name);
  } catch (e) {
    expect(e).toBeInstanceOf(PolicyFileError);
    return (e as Error).message;
  }
  throw new Error('expected the policy file to be rejected');
}

describe('policy file', () => {
  it('loads the docs/contract.md example', () => {
    const set = parsePolicies(EXAMPLE, 'example.yaml');
    expect(set.policies.map((p) => p.id)).toEqual(['vip-chat', 'email-business', 'phone']);
    expect(set.policies[0].targets).toEqual({ firstResponse: 60_000, nextResponse: 180_000, resolution: 7_200_000 });
    expect(set.policies[0].warnAt).toEqual([0.8]);
    expect(set.policies[1].calendar.id).toBe('berlin-office');
    expect(set.policies[2].calendar.id).toBeUndefined();
  });

  it('loads JSON and YAML files from disk', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sla-pol-'));
    writeFileSync(join(dir, 'p.json'), JSON.stringify({ policies: [{ id: 'all', targets: { resolution: 'P1D' } }] }));
    expect(loadPolicyFile(join(dir, 'p.json')).policies[0].targets.resolution).toBe(86_400_000);
    writeFileSync(join(dir, 'p.yml'), EXAMPLE);
    expect(loadPolicyFile(join(dir, 'p.yml')).policies).toHaveLength(3);
    expect(() => loadPolicyFile(join(dir, 'missing.yaml'))).toThrow(/missing\.yaml: cannot read/);
  });

  it('loads deploy/sla/policies.example.yaml', () => {
    const set = loadPolicyFile(join(__dirname, '..', '..', '..', 'deploy', 'sla', 'policies.example.yaml'));
    expect(set.policies.map((p) => p.id)).toEqual(['vip-chat', 'email-business', 'phone', 'default']);
    expect(set.policies.map((p) => p.attainmentTarget)).toEqual([0.9, 0.85, 0.8, undefined]);
  });

  it('accepts the policy file example of docs/sla.md', () => {
    const doc = readFileSync(join(__dirname, '..', '..', '..', 'docs', 'sla.md'), 'utf8');
    const yaml = /## Policy file[\s\S]*?```yaml\n([\s\S]*?)```/.exec(doc)![1];
    const set = parsePolicies(yaml, 'docs/sla.md');
    expect(set.policies.map((p) => p.id)).toEqual(['vip-chat', 'email-business']);
    expect([...set.calendars.keys()]).toEqual(['berlin-office', 'night-desk']);
  });

  it('names the path of a bad duration', () => {
    const msg = errorOf(EXAMPLE.replace('firstResponse: PT4H', 'firstResponse: 4 hours'));
    expect(msg).toContain('policies[1].targets.firstResponse: invalid ISO 8601 duration "4 hours"');
  });

  it('names unknown fields, bad enums, bad fractions and missing fields', () => {
    expect(errorOf('policies:\n  - id: a\n    targets: { firstRespons: PT1M }\n')).toContain('policies[0].targets.firstRespons: unknown field');
    expect(errorOf('policies:\n  - id: a\n    match: { priority: [sometimes] }\n')).toContain('policies[0].match.priority[0]:');
    expect(errorOf('policies:\n  - id: a\n    warnAt: [0.5, 1.5]\n')).toContain('policies[0].warnAt[1]: warnAt entries are fractions');
    expect(errorOf('policies:\n  - match: { channel: chat }\n')).toContain('policies[0].id: required');
    expect(errorOf('calendars: {}\n')).toContain('policies: required');
    expect(errorOf('policies:\n  - id: a\n    targets: { resolution: P1M }\n')).toContain('policies[0].targets.resolution: invalid ISO 8601 duration "P1M"');
  });

  it('cross-checks calendars: unknown reference, bad ranges, bad zone, bad dates', () => {
    expect(errorOf(EXAMPLE.replace('calendar: berlin-office', 'calendar: paris-office'))).toContain(
      'policies[1].calendar: unknown calendar "paris-office" (defined: berlin-office)',
    );
    expect(errorOf(EXAMPLE.replace('Europe/Berlin', 'Europe/Berlim'))).toContain('calendars.berlin-office.timezone: unknown time zone "Europe/Berlim"');
    expect(errorOf(EXAMPLE.replace('fri: ["08:00-16:00"]', 'fri: ["16:00-16:00"]'))).toContain('calendars.berlin-office.hours.fri[0]: invalid time range "16:00-16:00": the end must differ from the start');
    expect(errorOf(EXAMPLE.replace('fri: ["08:00-16:00"]', 'fri: ["24:00-08:00"]'))).toContain('calendars.berlin-office.hours.fri[0]: invalid time range "24:00-08:00"');
    expect(errorOf(EXAMPLE.replace('fri: ["08:00-16:00"]', 'fri: ["8-16"]'))).toContain('calendars.berlin-office.hours.fri[0]: invalid time range "8-16"');
    expect(errorOf(EXAMPLE.replace('fri: ["08:00-16:00"]', 'fri: ["08:00-12:00", "11:00-16:00"]'))).toContain('calendars.berlin-office.hours.fri: time ranges overlap');
    expect(errorOf(EXAMPLE.replace('"2026-12-25"', '"2026-13-25"'))).toContain('calendars.berlin-office.holidays[1]: invalid date "2026-13-25"');
    expect(errorOf(EXAMPLE.replace('mon: ["08:00-18:00"]', 'monday: ["08:00-18:00"]'))).toContain('calendars.berlin-office.hours.monday: unknown field');
    expect(errorOf('calendars:\n  c: { timezone: UTC, hours: {} }\npolicies: []\n')).toContain('calendars.c.hours: no open hours on any day');
    expect(errorOf(EXAMPLE + '  - id: phone\n')).toContain('policies[3].id: duplicate policy id "phone"');
  });

  it('accepts night shifts and 24:00, and rejects ranges that overlap across midnight', () => {
    const ok = parsePolicies('calendars:\n  n: { timezone: Europe/Berlin, hours: { fri: ["22:00-06:00"], sat: ["06:00-10:00", "18:00-24:00"], sun: ["22:00-00:00"], mon: ["08:00-12:00"] } }\npolicies: []\n');
    expect(ok.calendars.get('n')).toBeDefined();
    expect(errorOf('calendars:\n  n: { timezone: UTC, hours: { fri: ["22:00-06:00"], sat: ["05:00-10:00"] } }\npolicies: []\n')).toContain(
      'calendars.n.hours.sat: sat "05:00-10:00" overlaps fri "22:00-06:00"',
    );
    // Sunday's night shift runs into Monday
    expect(errorOf('calendars:\n  n: { timezone: UTC, hours: { sun: ["23:00-02:00"], mon: ["01:00-09:00"] } }\npolicies: []\n')).toContain(
      'calendars.n.hours.mon: mon "01:00-09:00" overlaps sun "23:00-02:00"',
    );
  });

  it('holidays may name regions (ISO 3166); an unknown region names the field', () => {
    const set = parsePolicies(EXAMPLE.replace('holidays: ["2026-12-24", "2026-12-25"]', 'holidays: ["2026-12-24", {region: "DE-BE"}, {region: "AT"}]'));
    expect(set.calendars.get('berlin-office')).toBeDefined();
    expect(errorOf(EXAMPLE.replace('"2026-12-25"', '{region: "XX"}'))).toContain('calendars.berlin-office.holidays[1].region: unknown region "XX": no holiday data for country XX');
    expect(errorOf(EXAMPLE.replace('"2026-12-25"', '{region: "DE-ZZ"}'))).toContain('calendars.berlin-office.holidays[1].region: unknown region "DE-ZZ": DE has the subdivisions');
    expect(errorOf(EXAMPLE.replace('"2026-12-25"', '{region: "Berlin"}'))).toContain('calendars.berlin-office.holidays[1].region: invalid region "Berlin"');
    expect(errorOf(EXAMPLE.replace('"2026-12-25"', '{country: "DE"}'))).toContain('calendars.berlin-office.holidays[1]');
  });

  it('reads attainmentTarget (0..1) per policy', () => {
    const set = parsePolicies(EXAMPLE.replace('warnAt: [0.8]', 'warnAt: [0.8]\n    attainmentTarget: 0.9'));
    expect(set.policies[0].attainmentTarget).toBe(0.9);
    expect(set.policies[1].attainmentTarget).toBeUndefined();
    expect(errorOf(EXAMPLE.replace('warnAt: [0.8]', 'warnAt: [0.8]\n    attainmentTarget: 90'))).toContain('policies[0].attainmentTarget: attainmentTarget is a share of clocks met');
  });

  it('reports YAML and JSON syntax errors', () => {
    expect(errorOf('policies: [', 'p.yaml')).toMatch(/p\.yaml: not valid YAML/);
    expect(errorOf('{"policies": [', 'p.json')).toMatch(/p\.json: not valid JSON/);
  });

  it('first matching policy wins; unknown attributes do not match; tags match any', () => {
    const set = parsePolicies(`
policies:
  - { id: vip-chat, match: { channel: chat, tier: [vip] } }
  - { id: urgent, match: { priority: [urgent, high] } }
  - { id: tagged, match: { tags: [outage, billing] } }
  - { id: q, match: { queue: [hotline] } }
  - { id: chat, match: { channel: [chat] } }
  - { id: catch-all }
`);
    const m = (a: object) => matchPolicy(set, a)?.id;
    expect(m({ channel: 'chat', tier: 'vip', priority: 'urgent' })).toBe('vip-chat');
    expect(m({ channel: 'chat', priority: 'urgent' })).toBe('urgent');
    expect(m({ channel: 'chat' })).toBe('chat');
    expect(m({ channel: 'email', tags: ['x', 'billing'] })).toBe('tagged');
    expect(m({ channel: 'call', queue: 'hotline' })).toBe('q');
    expect(m({})).toBe('catch-all');
  });
});

describe('ISO 8601 durations', () => {
  it.each([
    ['PT90S', 90_000],
    ['PT4H', 14_400_000],
    ['P1D', 86_400_000],
    ['P1DT2H', 93_600_000],
    ['P1W', 604_800_000],
    ['PT0.5S', 500],
    ['PT1,5H', 5_400_000],
    ['PT1M30S', 90_000],
  ])('%s = %d ms', (text, ms) => expect(parseIsoDuration(text)).toEqual({ ok: true, ms }));
  it.each(['4 hours', 'P', 'PT', 'P1Y', 'P1M', 'PT0S', '1H', 'PT1H2D', ''])('rejects %p', (text) => {
    expect(parseIsoDuration(text).ok).toBe(false);
  });
});
