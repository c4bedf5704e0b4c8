/**
 * The metric catalogue of the operations package: what docs/metrics.md documents, what the code
 * defines (a static scan of apps/ and libs/), what a running service exposes (its /metrics text),
 * and the naming conventions all three must follow. Pure functions, shared by the ops tests.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary';

export interface MetricInfo {
  name: string;
  type: MetricType;
  labels: string[];
  /** docs only: listed under "Planned" (named in dashboards/alerts, not yet exposed by a service) */
  planned?: boolean;
  /** docs: the service column; source: the file that defines it */
  where?: string;
}

export const ROOT = join(__dirname, '..');
export const METRICS_DOC = join(ROOT, 'docs', 'metrics.md');
const TYPES = new Set<MetricType>(['counter', 'gauge', 'histogram', 'summary']);

/**
 * Rows of the markdown tables of docs/metrics.md: `| \`cx_name\` | type | labels | service | meaning |`.
 * Labels are backticked names, `—` for none. Rows after a heading containing "Planned" are planned.
 */
export function parseMetricsDoc(markdown: string): MetricInfo[] {
  const out: MetricInfo[] = [];
  let planned = false;
  for (const line of markdown.split('\n')) {
    if (/^#{1,6}\s/.test(line)) planned = /planned/i.test(line);
    const cells = line.split('|').slice(1, -1).map((c) => c.trim());
    if (cells.length < 4) continue;
    const name = /^`(cx_[A-Za-z0-9_:]+)`$/.exec(cells[0])?.[1];
    if (!name) continue;
    const type = cells[1].toLowerCase() as MetricType;
    if (!TYPES.has(type)) throw new Error(`docs/metrics.md: ${name} has unknown type "${cells[1]}"`);
    const labels = [...cells[2].matchAll(/`([^`]+)`/g)].map((m) => m[1]);
    out.push({ name, type, labels, planned, where: cells[3] });
  }
  return out;
}

export function loadMetricsDoc(path = METRICS_DOC): MetricInfo[] {
  return parseMetricsDoc(readFileSync(path, 'utf8'));
}

/**
 * Metrics in a Prometheus text exposition. Every registered prom-client metric prints `# TYPE`
 * even before its first sample, so names come from TYPE lines; labels from the samples seen.
 */
export function parseExposition(text: string): Map<string, MetricInfo> {
  const out = new Map<string, MetricInfo>();
  for (const line of text.split('\n')) {
    const t = /^# TYPE (\S+) (\S+)/.exec(line);
    if (t) {
      out.set(t[1], { name: t[1], type: t[2] as MetricType, labels: [] });
      continue;
    }
    if (!line || line.startsWith('#')) continue;
    const s = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([^}]*)\})?/.exec(line);
    if (!s) continue;
    const base = out.has(s[1]) ? s[1] : s[1].replace(/_(bucket|sum|count)$/, '');
    const m = out.get(base);
    if (!m || !s[3]) continue;
    for (const pair of s[3].matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="/g)) {
      if (!m.labels.includes(pair[1])) m.labels.push(pair[1]);
    }
  }
  return out;
}

/** Labels every scrape carries that are not the metric's own (default label, histogram bucket). */
export const IMPLICIT_LABELS = new Set(['service', 'le', 'quantile']);

function* tsFiles(dir: string): Generator<string> {
  for (const entry of readdirSync(dir)) {
    if (entry === 'node_modules' || entry.startsWith('.')) continue;
    const p = join(dir, entry);
    if (statSync(p).isDirectory()) yield* tsFiles(p);
    else if (p.endsWith('.ts') && !/\.(spec|int-spec)\.ts$/.test(p)) yield p;
  }
}

/** `new Counter({ name: 'cx_…', labelNames: [...] })` and friends in apps/ and libs/ (static, best effort). */
export function scanSourceMetrics(dirs = ['apps', 'libs'].map((d) => join(ROOT, d))): MetricInfo[] {
  const out: MetricInfo[] = [];
  for (const dir of dirs) {
    for (const file of tsFiles(dir)) {
      const src = readFileSync(file, 'utf8');
      for (const m of src.matchAll(/new (Counter|Gauge|Histogram|Summary)\s*(<[^>]*>)?\s*\(\s*\{/g)) {
        const body = src.slice(m.index!, m.index! + 600);
        const name = /name:\s*['"`](cx_[^'"`]+)['"`]/.exec(body)?.[1];
        if (!name) continue;
        const end = body.indexOf('})');
        const labelsSrc = /labelNames:\s*\[([^\]]*)\]/.exec(end > 0 ? body.slice(0, end) : body)?.[1] ?? '';
        const labels = [...labelsSrc.matchAll(/['"`]([^'"`]+)['"`]/g)].map((l) => l[1]);
        out.push({ name, type: m[1].toLowerCase() as MetricType, labels, where: file.slice(ROOT.length + 1) });
      }
    }
  }
  return out;
}

/** Label names that would carry an unbounded id (one series per conversation, customer, …). */
const ID_LIKE = /(^|_)(id|ids|uuid|key)$|conversation|customer|escalation|message|email|phone|user|session|request_id|trace/;
/** Time or size measured in other than base units. */
const NON_BASE_UNIT = /_(ms|msec|millis|milliseconds|micros|microseconds|ns|nanoseconds|minutes?|hours?|days?|kb|mb|gb|kib|mib|percent)(_total)?$/;
const TIME_WORD = /(duration|latency|lateness|_age|_time|_wait|delay|elapsed)/;

/** Prometheus naming conventions for one metric; returns the problems (empty when fine). */
export function conventionProblems(m: MetricInfo): string[] {
  const p: string[] = [];
  if (!/^cx(_[a-z0-9]+)+$/.test(m.name)) p.push(`${m.name}: not snake_case with the cx_ prefix`);
  if (m.type === 'counter' && !m.name.endsWith('_total')) p.push(`${m.name}: a counter must end in _total`);
  if (m.type !== 'counter' && m.name.endsWith('_total')) p.push(`${m.name}: only counters end in _total`);
  if (NON_BASE_UNIT.test(m.name)) p.push(`${m.name}: use base units (_seconds, _bytes), not ${NON_BASE_UNIT.exec(m.name)![0]}`);
  if (TIME_WORD.test(m.name) && m.type !== 'counter' && !m.name.endsWith('_seconds')) p.push(`${m.name}: a time measurement must end in _seconds`);
  for (const l of m.labels) {
    if (!/^[a-z][a-z0-9]*(_[a-z0-9]+)*$/.test(l)) p.push(`${m.name}: label "${l}" is not snake_case`);
    if (ID_LIKE.test(l)) p.push(`${m.name}: label "${l}" looks like an id (unbounded cardinality)`);
    if (IMPLICIT_LABELS.has(l) && l !== 'service') p.push(`${m.name}: label "${l}" is reserved`);
  }
  return p;
}

/** The metric names a PromQL expression mentions (identifiers that start with cx_), histogram suffixes stripped. */
export function metricsInPromQL(expr: string, known: ReadonlySet<string> = new Set()): string[] {
  const names = new Set<string>();
  for (const [, n] of expr.matchAll(/\b(cx_[a-z0-9_]+)\b/g)) names.add(known.has(n) ? n : n.replace(/_(bucket|sum|count)$/, ''));
  return [...names];
}
