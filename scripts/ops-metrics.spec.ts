import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import {
  conventionProblems, loadMetricsDoc, metricsInPromQL, parseExposition, parseMetricsDoc, ROOT, scanSourceMetrics,
} from './ops-metrics-catalog';

describe('metric naming conventions', () => {
  it('accepts the conventional shapes', () => {
    expect(conventionProblems({ name: 'cx_messages_consumed_total', type: 'counter', labels: ['topic', 'outcome'] })).toEqual([]);
    expect(conventionProblems({ name: 'cx_event_age_seconds', type: 'histogram', labels: ['topic'] })).toEqual([]);
    expect(conventionProblems({ name: 'cx_consumer_lag_messages', type: 'gauge', labels: ['topic', 'partition'] })).toEqual([]);
  });

  it.each([
    [{ name: 'cx_messagesConsumed_total', type: 'counter', labels: [] }, /snake_case/],
    [{ name: 'cx_messages_consumed', type: 'counter', labels: [] }, /must end in _total/],
    [{ name: 'cx_open_clocks_total', type: 'gauge', labels: [] }, /only counters/],
    [{ name: 'cx_fire_lateness_ms', type: 'histogram', labels: [] }, /base units/],
    [{ name: 'cx_payload_kb', type: 'histogram', labels: [] }, /base units/],
    [{ name: 'cx_batch_duration', type: 'histogram', labels: [] }, /_seconds/],
    [{ name: 'cx_router_escalations_total', type: 'counter', labels: ['conversation_id'] }, /looks like an id/],
    [{ name: 'cx_router_escalations_total', type: 'counter', labels: ['customer'] }, /looks like an id/],
    [{ name: 'cx_router_escalations_total', type: 'counter', labels: ['escalationId'] }, /snake_case/],
    [{ name: 'cx_router_escalations_total', type: 'counter', labels: ['agent_id'] }, /looks like an id/],
  ] as const)('rejects %j', (m, problem) => {
    expect(conventionProblems({ ...m, labels: [...m.labels] }).join('\n')).toMatch(problem);
  });

  const documented = loadMetricsDoc();
  const defined = scanSourceMetrics();

  it('holds for every metric in docs/metrics.md', () => {
    expect(documented.length).toBeGreaterThan(10);
    expect(documented.flatMap(conventionProblems)).toEqual([]);
  });

  it('holds for every cx_ metric defined in apps/ and libs/', () => {
    expect(defined.length).toBeGreaterThan(5);
    expect(defined.flatMap((m) => conventionProblems(m).map((p) => `${m.where}: ${p}`))).toEqual([]);
  });
});

describe('docs/metrics.md against the code (static; test/ops-prometheus.int-spec.ts checks the live /metrics)', () => {
  const documented = new Map(loadMetricsDoc().map((m) => [m.name, m]));
  const defined = scanSourceMetrics();

  it('lists every metric the code defines, with its type and labels', () => {
    const problems: string[] = [];
    for (const m of defined) {
      const d = documented.get(m.name);
      if (!d) { problems.push(`${m.name} (${m.type}, ${m.where}) is not in docs/metrics.md`); continue; }
      if (d.planned) problems.push(`${m.name} is defined in ${m.where}: move it out of "Planned" in docs/metrics.md`);
      if (d.type !== m.type) problems.push(`${m.name}: documented ${d.type}, defined ${m.type} in ${m.where}`);
      if ([...d.labels].sort().join() !== [...m.labels].sort().join()) {
        problems.push(`${m.name}: documented labels [${d.labels}], defined [${m.labels}] in ${m.where}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('documents nothing the code no longer defines (except under Planned)', () => {
    const names = new Set(defined.map((m) => m.name));
    expect([...documented.values()].filter((d) => !d.planned && !names.has(d.name)).map((d) => d.name)).toEqual([]);
  });

  it('alerts.yml uses only documented metrics', () => {
    const rules = parse(readFileSync(join(ROOT, 'deploy/prometheus/alerts.yml'), 'utf8')) as { groups: { rules: { alert: string; expr: string }[] }[] };
    const known = new Set(documented.keys());
    const used = rules.groups.flatMap((g) => g.rules).flatMap((r) => metricsInPromQL(r.expr, known).map((n) => `${r.alert}: ${n}`));
    expect(used.length).toBeGreaterThan(5);
    expect(used.filter((u) => !known.has(u.split(': ')[1]))).toEqual([]);
  });
});

describe('catalogue parsers', () => {
  it('reads metric rows, labels and the Planned section from markdown', () => {
    const md = [
      '## Pipeline', '| metric | type | labels | service | meaning |', '|---|---|---|---|---|',
      '| `cx_a_total` | counter | `topic`, `outcome` | all | x |', '| `cx_b` | gauge | — | router | y |',
      '## Planned', '| `cx_c_seconds` | histogram | `metric` | sla-monitor | z |',
    ].join('\n');
    expect(parseMetricsDoc(md)).toEqual([
      { name: 'cx_a_total', type: 'counter', labels: ['topic', 'outcome'], planned: false, where: 'all' },
      { name: 'cx_b', type: 'gauge', labels: [], planned: false, where: 'router' },
      { name: 'cx_c_seconds', type: 'histogram', labels: ['metric'], planned: true, where: 'sla-monitor' },
    ]);
  });

  it('reads names from TYPE lines (even without samples) and labels from samples', () => {
    const text = [
      '# HELP cx_x_total x', '# TYPE cx_x_total counter', 'cx_x_total{topic="a",service="s"} 1',
      '# HELP cx_h_seconds h', '# TYPE cx_h_seconds histogram', 'cx_h_seconds_bucket{le="0.1",topic="a"} 1',
      'cx_h_seconds_sum{topic="a"} 0.1', 'cx_h_seconds_count{topic="a"} 1',
      '# HELP cx_untouched_total u', '# TYPE cx_untouched_total counter',
    ].join('\n');
    const m = parseExposition(text);
    expect([...m.keys()]).toEqual(['cx_x_total', 'cx_h_seconds', 'cx_untouched_total']);
    expect(m.get('cx_x_total')!.labels).toEqual(['topic', 'service']);
    expect(m.get('cx_h_seconds')).toMatchObject({ type: 'histogram', labels: ['le', 'topic'] });
  });

  it('finds metric names in PromQL, histogram suffixes stripped', () => {
    expect(metricsInPromQL('histogram_quantile(0.99, sum by (le) (rate(cx_event_age_seconds_bucket[5m]))) / cx_batch_messages_count'))
      .toEqual(['cx_event_age_seconds', 'cx_batch_messages']);
  });
});
