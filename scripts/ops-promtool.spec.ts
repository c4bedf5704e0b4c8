/*
 * promtool over the shipped Prometheus files: the configs and rules are valid and the alert unit
 * tests (deploy/prometheus/alerts.test.yml) pass. promtool comes with Debian's `prometheus`
 * package; CI installs it (.ci/run). PROMTOOL_BIN overrides the binary.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ROOT } from './ops-metrics-catalog';

const PROMTOOL = process.env.PROMTOOL_BIN ?? 'promtool';
const DIR = join(ROOT, 'deploy', 'prometheus');

function promtool(...args: string[]): { code: number | null; out: string } {
  const r = spawnSync(PROMTOOL, args, { cwd: DIR, encoding: 'utf8', timeout: 60_000 });
  if (r.error) {
    throw new Error(`cannot run "${PROMTOOL}" (${r.error.message}). Install Debian's Prometheus: ` +
      'apt-get install -y prometheus (it ships promtool), or set PROMTOOL_BIN.');
  }
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

describe('promtool on deploy/prometheus', () => {
  it('accepts the alert rules (promtool check rules)', () => {
    const r = promtool('check', 'rules', 'alerts.yml');
    expect(r.out).toMatch(/SUCCESS: \d+ rules found/);
    expect(r.code).toBe(0);
  });

  it('passes the alert unit tests (promtool test rules)', () => {
    const r = promtool('test', 'rules', 'alerts.test.yml');
    if (r.code !== 0) throw new Error(`promtool test rules failed:\n${r.out}`);
    expect(r.out).toMatch(/SUCCESS/);
  });

  it('accepts both scrape configs (compose and local)', () => {
    const r = promtool('check', 'config', 'prometheus.yml', 'prometheus.local.yml');
    if (r.code !== 0) throw new Error(`promtool check config failed:\n${r.out}`);
  });

  it('has a unit test that makes every alert fire', () => {
    // The test file names each alert it expects to fire with a non-empty exp_alerts list.
    const rules = parse(readFileSync(join(DIR, 'alerts.yml'), 'utf8')) as { groups: { rules: { alert: string }[] }[] };
    const tests = parse(readFileSync(join(DIR, 'alerts.test.yml'), 'utf8')) as { tests: { alert_rule_test?: { alertname: string; exp_alerts: unknown[] }[] }[] };
    const fired = new Set(tests.tests.flatMap((t) => t.alert_rule_test ?? []).filter((a) => a.exp_alerts.length > 0).map((a) => a.alertname));
    // Recording rules (no `alert`) are tested by promql_expr_test instead.
    expect(rules.groups.flatMap((g) => g.rules.map((r) => r.alert)).filter((a) => a && !fired.has(a))).toEqual([]);
  });

  it('links every alert to its section of docs/runbook.md', () => {
    const runbook = readFileSync(join(ROOT, 'docs', 'runbook.md'), 'utf8');
    const anchors = new Set([...runbook.matchAll(/^#{2,3} (.+)$/gm)].map((m) => m[1].trim().toLowerCase().replace(/[^a-z0-9 -]/g, '').replace(/ /g, '-')));
    const rules = parse(readFileSync(join(DIR, 'alerts.yml'), 'utf8')) as { groups: { rules: { alert: string; annotations: Record<string, string> }[] }[] };
    const problems: string[] = [];
    for (const r of rules.groups.flatMap((g) => g.rules).filter((x) => x.alert)) {
      const url = r.annotations.runbook_url ?? '';
      if (url !== `docs/runbook.md#${r.alert.toLowerCase()}`) problems.push(`${r.alert}: runbook_url ${url}`);
      if (!anchors.has(r.alert.toLowerCase())) problems.push(`${r.alert}: no "## ${r.alert}" section in docs/runbook.md`);
      for (const a of ['summary', 'description']) if (!r.annotations[a]) problems.push(`${r.alert}: no ${a}`);
    }
    expect(problems).toEqual([]);
  });
});
