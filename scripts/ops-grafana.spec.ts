/*
 * The Grafana package: the dashboard JSON parses, every panel query uses only metrics listed in
 * docs/metrics.md and is valid PromQL (checked by promtool as recording rules), panels use the
 * provisioned datasource, and the required views are all there.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { loadMetricsDoc, metricsInPromQL, ROOT } from './ops-metrics-catalog';

interface Panel {
  id: number; type: string; title: string; gridPos?: object; panels?: Panel[];
  datasource?: { type: string; uid: string }; targets?: { expr: string; refId: string; datasource?: { uid: string } }[];
}

const GRAFANA = join(ROOT, 'deploy', 'grafana');
const dashboards = readdirSync(join(GRAFANA, 'dashboards')).filter((f) => f.endsWith('.json'));
const load = (f: string) => JSON.parse(readFileSync(join(GRAFANA, 'dashboards', f), 'utf8')) as { uid: string; title: string; panels: Panel[] };
const allPanels = (ps: Panel[]): Panel[] => ps.flatMap((p) => [p, ...allPanels(p.panels ?? [])]);
const queryPanels = (f: string) => allPanels(load(f).panels).filter((p) => p.type !== 'row');

describe('Grafana provisioning', () => {
  const ds = parse(readFileSync(join(GRAFANA, 'provisioning/datasources/prometheus.yml'), 'utf8')) as { datasources: { uid: string; type: string }[] };
  const providers = parse(readFileSync(join(GRAFANA, 'provisioning/dashboards/cx.yml'), 'utf8')) as { providers: { type: string; options: { path: string } }[] };

  it('provisions a Prometheus datasource and a file provider', () => {
    expect(ds.datasources).toEqual([expect.objectContaining({ type: 'prometheus', uid: 'cx-prometheus' })]);
    expect(providers.providers[0]).toMatchObject({ type: 'file', options: { path: expect.stringMatching(/^\/var\/lib\/grafana\/dashboards/) } });
    expect(dashboards.length).toBeGreaterThan(0);
  });

  it.each(dashboards)('%s: panels have unique ids, a position and the provisioned datasource', (f) => {
    const d = load(f);
    expect(d.uid).toMatch(/^[a-z0-9-]{1,40}$/);
    const panels = allPanels(d.panels);
    expect(new Set(panels.map((p) => p.id)).size).toBe(panels.length);
    const uids = new Set(ds.datasources.map((x) => x.uid));
    for (const p of queryPanels(f)) {
      expect(p.gridPos).toBeDefined();
      expect(p.targets?.length).toBeGreaterThan(0);
      expect([p.datasource?.uid, ...p.targets!.map((t) => t.datasource?.uid ?? p.datasource?.uid)].filter((u) => !uids.has(u!))).toEqual([]);
    }
  });
});

describe('Grafana queries against docs/metrics.md', () => {
  const documented = new Set(loadMetricsDoc().map((m) => m.name));

  it.each(dashboards)('%s: every panel query references only documented metrics', (f) => {
    const undocumented: string[] = [];
    for (const p of queryPanels(f)) {
      const names = p.targets!.flatMap((t) => metricsInPromQL(t.expr, documented));
      expect(names.length + (p.targets!.some((t) => /\bup\b/.test(t.expr)) ? 1 : 0)).toBeGreaterThan(0);
      for (const n of names) if (!documented.has(n)) undocumented.push(`panel "${p.title}": ${n}`);
    }
    expect(undocumented).toEqual([]);
  });

  it.each(dashboards)('%s: every panel query is valid PromQL (promtool check rules)', (f) => {
    // Grafana's interval variables become a fixed range; each query becomes a recording rule.
    const rules = queryPanels(f).flatMap((p) => p.targets!.map((t) => ({
      record: `panel_${p.id}_${t.refId}`, expr: t.expr.replace(/\$__rate_interval|\$__interval|\$__range/g, '5m'),
    })));
    const file = join(mkdtempSync(join(tmpdir(), 'cx-grafana-')), 'panels.rules.yml');
    writeFileSync(file, stringify({ groups: [{ name: 'panels', rules }] }));
    const promtool = process.env.PROMTOOL_BIN ?? 'promtool';
    const r = spawnSync(promtool, ['check', 'rules', file], { encoding: 'utf8' });
    if (r.error) throw new Error(`cannot run "${promtool}": install Debian's prometheus package (apt-get install -y prometheus) or set PROMTOOL_BIN`);
    if (r.status !== 0) throw new Error(`invalid PromQL in ${f}:\n${r.stdout}${r.stderr}`);
  });

  it('covers the views the ops team asked for', () => {
    const text = dashboards.flatMap(queryPanels).map((p) => `${p.title}\n${p.targets!.map((t) => t.expr).join('\n')}`).join('\n');
    for (const needle of [
      /Events\/s by channel/, /Negative-flag rate/, /by severity/, /reason/, /SLA warnings and breaches/,
      /cx_sla_fire_lateness_seconds/, /End-to-end latency/, /cx_consumer_lag_messages/, /cx_dead_letters_total/,
    ]) expect(text).toMatch(needle);
  });
});
