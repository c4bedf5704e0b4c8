import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSimulateCli } from './sla-simulate';

// Scenarios with outputs computed by hand from docs/contract.md (SLA semantics) (see each scenario.json).
const FIXTURES = join(__dirname, '..', 'test', 'fixtures', 'sla');
const scenarios = readdirSync(FIXTURES, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);

/** scenario.json: `until`, and `summary: true` when expected.jsonl ends with the `sla.summary` lines. */
function argsFor(dir: string): string[] {
  const { until, summary } = JSON.parse(readFileSync(join(dir, 'scenario.json'), 'utf8')) as { until: string; summary?: boolean };
  return ['--policies', join(dir, 'policies.yaml'), '--events', join(dir, 'events.jsonl'), '--until', until, ...(summary ? ['--summary'] : [])];
}

describe('sla:simulate scenarios', () => {
  it('has scenarios', () => expect(scenarios.length).toBeGreaterThanOrEqual(14));
  it.each(scenarios)('%s', (name) => {
    const dir = join(FIXTURES, name);
    const r = runSimulateCli(argsFor(dir));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(readFileSync(join(dir, 'expected.jsonl'), 'utf8'));
  });
});

describe('sla:simulate --summary', () => {
  it('prints one sla.summary line per policy and metric after the events', () => {
    const dir = join(FIXTURES, 'pause-reopen-promise-close');
    const plain = runSimulateCli(argsFor(dir));
    const r = runSimulateCli([...argsFor(dir), '--summary']);
    expect(r.code).toBe(0);
    expect(r.stdout.startsWith(plain.stdout)).toBe(true);
    const summary = r.stdout.slice(plain.stdout.length).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(summary.length).toBeGreaterThan(0);
    for (const line of summary) {
      expect(Object.keys(line)).toEqual(['type', 'policyId', 'metric', 'clocks', 'met', 'breached', 'running', 'attainment']);
      const { clocks, met, breached, running, attainment } = line as { clocks: number; met: number; breached: number; running: number; attainment: number | null };
      expect(clocks).toBeGreaterThanOrEqual(met + breached + running);
      expect(attainment).toBe(met + breached ? met / (met + breached) : null);
    }
    // every breach line is counted once under the policy it names
    const breaches = plain.stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string }).filter((l) => l.type === 'sla.breached').length;
    expect(summary.reduce((n, l) => n + (l.breached as number), 0)).toBe(breaches);
  });
});

describe('sla:simulate bad input', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sla-sim-'));
  const scenario = join(FIXTURES, 'vip-chat-and-queue');
  const policies = join(scenario, 'policies.yaml');
  const lines = readFileSync(join(scenario, 'events.jsonl'), 'utf8').split('\n');
  const write = (name: string, text: string) => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  };

  it('names the line of invalid JSON', () => {
    const events = write('bad-json.jsonl', [lines[0], lines[1], '{"specversion": "1.0",', ''].join('\n'));
    const r = runSimulateCli(['--policies', policies, '--events', events, '--until', '2026-06-01T12:00:00Z']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/bad-json\.jsonl: line 3: value is not valid JSON/);
  });

  it('names the line and field of an event that breaks the contract', () => {
    const bad = JSON.parse(lines[1]);
    bad.data.author.role = 'robot';
    const events = write('bad-event.jsonl', [lines[0], '', JSON.stringify(bad)].join('\n'));
    const r = runSimulateCli(['--policies', policies, '--events', events, '--until', '2026-06-01T12:00:00Z']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/line 3: invalid cx\.message\.v1: data\.author\.role/);
  });

  it('rejects unknown event types, a bad --until, missing options and a bad policy file', () => {
    const events = write('unknown.jsonl', JSON.stringify({ ...JSON.parse(lines[0]), type: 'cx.nope.v1' }));
    expect(runSimulateCli(['--policies', policies, '--events', events, '--until', '2026-06-01T12:00:00Z']).stderr).toMatch(/line 1:/);
    expect(runSimulateCli(['--policies', policies, '--events', join(scenario, 'events.jsonl'), '--until', 'tomorrow'])).toMatchObject({ code: 2, stdout: '' });
    expect(runSimulateCli(['--policies', policies]).code).toBe(2);
    expect(runSimulateCli(['--policies', policies, '--events', events, '--until', '2026-06-01T12:00:00Z', '--bogus']).code).toBe(2);
    const badPolicies = write('p.yaml', 'policies:\n  - id: a\n    targets: { firstResponse: 4 hours }\n');
    const r = runSimulateCli(['--policies', badPolicies, '--events', join(scenario, 'events.jsonl'), '--until', '2026-06-01T12:00:00Z']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('policies[0].targets.firstResponse: invalid ISO 8601 duration "4 hours"');
  });

  it('runs as a process: only the SLA lines on stdout, exit code 2 on bad input', () => {
    const script = join(__dirname, 'sla-simulate.ts');
    const ok = spawnSync(process.execPath, ['-r', '@swc-node/register', script, ...argsFor(scenario)], { cwd: join(__dirname, '..'), encoding: 'utf8' });
    expect(ok.status).toBe(0);
    expect(ok.stdout).toBe(readFileSync(join(scenario, 'expected.jsonl'), 'utf8'));
    const events = write('bad2.jsonl', `${lines[0]}\nnot json\n`);
    const bad = spawnSync(process.execPath, ['-r', '@swc-node/register', script, '--policies', policies, '--events', events, '--until', '2026-06-01T12:00:00Z'], {
      cwd: join(__dirname, '..'),
      encoding: 'utf8',
    });
    expect(bad.status).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toMatch(/line 2/);
  }, 30_000);
});
