/*
 * The operations package against the running stack: the four services as real processes, and
 * Debian's Prometheus scraping them with deploy/prometheus/prometheus.local.yml (ports rewritten,
 * 1 s interval) and the shipped alert rules. Asserts through Prometheus' HTTP API that every
 * service is up, that the rules load and evaluate, and that a counter moves with traffic; and
 * that docs/metrics.md lists exactly the cx_ metrics the services expose.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { Topics } from '@cx/contracts';
import { conventionProblems, IMPLICIT_LABELS, loadMetricsDoc, parseExposition, ROOT, type MetricInfo } from '../scripts/ops-metrics-catalog';
import { customerMessage } from './support/events';
import { uniq } from './support/ids';
import { startGatewayProcess, type GatewayProcess } from '../apps/ingest-gateway/src/testing/gateway-process';
import { freePort, type AppName } from './support/service-process';
import { StackFixture } from './support/stack-fixture';
import { waitFor } from './support/wait-for';

const APPS: AppName[] = ['emotion-detector', 'sla-monitor', 'router'];
/** The Prometheus jobs: the three consumers and the ingestion gateway. */
const JOBS = [...APPS, 'ingest-gateway'];
const PROMETHEUS = process.env.PROMETHEUS_BIN ?? 'prometheus';

type Vector = { metric: Record<string, string>; value: [number, string] }[];

describe('operations: Prometheus against the running stack', () => {
  const stack = new StackFixture({ SLA_POLICIES_FILE: join(ROOT, 'deploy/sla/policies.example.yaml') });
  let prom: ChildProcess | undefined;
  let promUrl = '';
  let promOut = '';
  let gateway: GatewayProcess | undefined;
  const urlOf = (job: string) => (job === 'ingest-gateway' ? gateway!.url : stack.url(job as AppName));

  async function query(expr: string): Promise<Vector> {
    const r = await fetch(`${promUrl}/api/v1/query?query=${encodeURIComponent(expr)}`);
    const body = (await r.json()) as { status: string; error?: string; data: { result: Vector } };
    if (body.status !== 'success') throw new Error(`query ${expr}: ${body.error}`);
    return body.data.result;
  }

  beforeAll(async () => {
    if (spawnSync(PROMETHEUS, ['--version']).error) {
      throw new Error(`"${PROMETHEUS}" not found: install Debian's Prometheus (apt-get install -y prometheus) or set PROMETHEUS_BIN`);
    }
    await stack.start(...APPS);
    gateway = await startGatewayProcess(stack.env);
    // The shipped local config, pointed at this test's ports and scraped every second.
    const dir = mkdtempSync(join(tmpdir(), 'cx-prom-'));
    const config = parse(readFileSync(join(ROOT, 'deploy/prometheus/prometheus.local.yml'), 'utf8'));
    config.global = { ...config.global, scrape_interval: '1s', evaluation_interval: '1s' };
    config.rule_files = [join(ROOT, 'deploy/prometheus/alerts.yml')];
    for (const job of config.scrape_configs as { job_name: string; static_configs: { targets: string[] }[] }[]) {
      if (!JOBS.includes(job.job_name)) throw new Error(`prometheus.local.yml: unexpected job ${job.job_name}`);
      job.static_configs = [{ targets: [new URL(urlOf(job.job_name)).host] }];
    }
    writeFileSync(join(dir, 'prometheus.yml'), stringify(config));
    const port = await freePort();
    promUrl = `http://127.0.0.1:${port}`;
    prom = spawn(PROMETHEUS, [
      `--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn',
    ], { stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (b: Buffer) => { promOut = (promOut + b.toString()).slice(-10_000); };
    prom.stdout!.on('data', keep);
    prom.stderr!.on('data', keep);
    await waitFor('prometheus ready', async () => {
      if (prom!.exitCode !== null) throw new Error(`prometheus exited ${prom!.exitCode}: ${promOut}`);
      return (await fetch(`${promUrl}/-/ready`).catch(() => undefined))?.status === 200;
    }, 30_000, 100);
  }, 180_000);

  afterAll(async () => {
    if (prom && prom.exitCode === null) {
      const exited = new Promise((r) => prom!.once('exit', r));
      process.kill(prom.pid!, 'SIGTERM');
      await exited;
    }
    await gateway?.stop();
    await stack.stop();
  }, 60_000);

  it('docs/metrics.md lists exactly the cx_ metrics the services expose, named by the conventions', async () => {
    const exposed = new Map<string, MetricInfo & { services: string[] }>();
    for (const app of JOBS) {
      const text = await (await fetch(`${urlOf(app)}/metrics`)).text();
      for (const [name, m] of parseExposition(text)) {
        if (!name.startsWith('cx_')) continue;
        const seen = exposed.get(name);
        if (seen) {
          seen.services.push(app);
          for (const l of m.labels) if (!seen.labels.includes(l)) seen.labels.push(l);
        } else exposed.set(name, { ...m, services: [app] });
      }
    }
    const documented = new Map(loadMetricsDoc().map((m) => [m.name, m]));
    const problems: string[] = [];
    for (const m of exposed.values()) {
      const d = documented.get(m.name);
      if (!d) { problems.push(`${m.name} (${m.type}, from ${m.services.join(', ')}) is exposed but missing from docs/metrics.md`); continue; }
      if (d.planned) problems.push(`${m.name} is exposed now: move it from "Planned" to its service's table in docs/metrics.md`);
      if (d.type !== m.type) problems.push(`${m.name}: documented as ${d.type}, exposed as ${m.type}`);
      const undocumented = m.labels.filter((l) => !IMPLICIT_LABELS.has(l) && !d.labels.includes(l));
      if (undocumented.length) problems.push(`${m.name}: labels ${undocumented.join(', ')} exposed but not documented`);
      problems.push(...conventionProblems({ ...m, labels: m.labels.filter((l) => !IMPLICIT_LABELS.has(l)) }));
    }
    for (const d of documented.values()) {
      if (!d.planned && !exposed.has(d.name)) problems.push(`${d.name} is documented but no running service exposes it (removed, renamed, or defined but not registered yet)`);
    }
    expect(problems).toEqual([]);
  }, 30_000);

  it('scrapes every service (up == 1) and loads the alert rules without evaluation errors', async () => {
    const up = await waitFor('up == 1 for all four jobs', async () => {
      const v = await query('up == 1');
      return v.length === JOBS.length ? v : false;
    }, 30_000, 250);
    expect(up.map((s) => s.metric.job).sort()).toEqual([...JOBS].sort());

    const groups = await waitFor('rules evaluated', async () => {
      const r = (await (await fetch(`${promUrl}/api/v1/rules`)).json()) as { data: { groups: { rules: { name: string; health: string; lastError?: string }[] }[] } };
      const rules = r.data.groups.flatMap((g) => g.rules);
      return rules.length > 0 && rules.every((x) => x.health !== 'unknown') ? rules : false;
    }, 30_000, 250);
    expect(groups.filter((r) => r.health !== 'ok').map((r) => `${r.name}: ${r.lastError}`)).toEqual([]);
    const firing = await query('ALERTS{alertname="CxServiceDown"}');
    expect(firing).toEqual([]);
  }, 60_000);

  it('sees cx_messages_consumed_total move after a few events are produced', async () => {
    const expr = 'sum(cx_messages_consumed_total{service="emotion-detector",topic="cx.interactions.chat",outcome="ok"})';
    const before = Number((await waitFor('consumed counter scraped', async () => (await query(expr))[0]))?.value[1]);
    const n = 5;
    await stack.kafka.produce(Topics.chat, Array.from({ length: n }, (_, i) => customerMessage(uniq(`ops-${i}`), 'Hello, where is my parcel?')));
    const after = await waitFor(`counter to grow by ${n}`, async () => {
      const v = Number((await query(expr))[0]?.value[1]);
      return v >= before + n ? v : false;
    }, 30_000, 250);
    expect(after - before).toBeGreaterThanOrEqual(n);
    // The rate the dashboard's "events/s by channel" panel shows is non-zero now.
    const rate = await query('sum by (topic) (rate(cx_messages_consumed_total{topic=~"cx.interactions.*",outcome="ok"}[1m]))');
    expect(rate.find((s) => s.metric.topic === 'cx.interactions.chat')).toBeDefined();

    // Resident memory after traffic, for the k8s resource requests (deploy/k8s, docs/runbook.md).
    const rss = await query('process_resident_memory_bytes');
    const report = rss.map((s) => `${s.metric.service ?? s.metric.job}=${(Number(s.value[1]) / 2 ** 20).toFixed(0)}MiB`).sort();
    expect(report).toHaveLength(JOBS.length);
    process.stderr.write(`ops: measured RSS after traffic: ${report.join(' ')}\n`);
  }, 60_000);
});
