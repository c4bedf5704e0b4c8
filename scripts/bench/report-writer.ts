import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import * as vl from 'vega-lite';
import type { Quantiles, Sample } from './live-load';

/** Latency and lag over time, as a PNG (vega-lite chart rendered with resvg). */
export async function plotPng(samples: Sample[]): Promise<Buffer> {
  const rows = samples.flatMap((s) => [
    ...(s.latencyP99Ms !== null ? [{ t: s.t, value: s.latencyP99Ms, series: 'p99 latency (ms, rolling)', panel: 'latency' }] : []),
    ...(s.latencyMaxSecMs !== null ? [{ t: s.t, value: s.latencyMaxSecMs, series: 'max latency in the second (ms)', panel: 'latency' }] : []),
    ...Object.entries(s.lag).map(([svc, v]) => ({ t: s.t, value: v, series: `${svc} lag`, panel: 'lag' })),
  ]);
  const panel = (name: string, title: string) => ({
    title, width: 700, height: 200, transform: [{ filter: `datum.panel === '${name}'` }], mark: 'line',
    encoding: {
      x: { field: 't', type: 'quantitative', title: 'seconds since start' },
      y: { field: 'value', type: 'quantitative', title: name === 'lag' ? 'messages behind' : 'ms' },
      color: { field: 'series', type: 'nominal', title: null, legend: { labelLimit: 400 } },
    },
  });
  const spec = vl.compile({ data: { values: rows }, vconcat: [panel('latency', 'End-to-end latency, produce → SSE'), panel('lag', 'Consumer lag by service')] } as unknown as vl.TopLevelSpec).spec;
  const svg = await new vega.View(vega.parse(spec), { renderer: 'none' }).toSVG();
  return new Resvg(svg, { background: 'white', fitTo: { mode: 'zoom', value: 1.5 } }).render().asPng();
}

export interface TargetCheck { name: string; target: string; measured: string; ok: boolean }

type PerEvent = { cpuUsPerEvent: Record<string, number>; cpuSeconds: Record<string, number> };
interface RampRow { rate: number; held: boolean; why: string[]; latencyMs: { p50: number; p99: number } | null; cpuUsPerEvent: Record<string, number>; rssMbMax: Record<string, number> }

/** CPU µs per input event by process: the services' run beside the no-op pipeline's. */
function cpuTable(live: PerEvent, noop?: PerEvent): string[] {
  const names = [...new Set([...Object.keys(live.cpuUsPerEvent), ...Object.keys(noop?.cpuUsPerEvent ?? {})])];
  return ['| process | CPU µs per input event | no-op pipeline |', '|---|---|---|',
    ...names.map((n) => `| ${n === 'total' ? '**total (3 services)**' : n} | ${live.cpuUsPerEvent[n] ?? '–'} | ${noop?.cpuUsPerEvent[n] ?? '–'} |`)];
}

/** Produce → SSE by the path the escalation took (live-load.ts LatencyPath). */
function pathTable(byPath: Record<string, Quantiles | null>): string[] {
  return ['| path | n | p50 / p95 / p99 / max ms |', '|---|---|---|',
    ...Object.entries(byPath).sort(([, a], [, b]) => (b?.n ?? 0) - (a?.n ?? 0))
      .map(([path, l]) => `| ${path} | ${l?.n ?? 0} | ${l ? `${l.p50} / ${l.p95} / ${l.p99} / ${l.max}` : '–'} |`)];
}

function rampTable(steps: RampRow[]): string[] {
  return ['| rate/s | held | p50 / p99 ms | CPU µs/event | RSS MB (emotion / sla / router) | why not |', '|---|---|---|---|---|---|',
    ...steps.map((s) => `| ${s.rate} | ${s.held ? 'yes' : 'no'} | ${s.latencyMs ? `${s.latencyMs.p50} / ${s.latencyMs.p99}` : '–'} | ${s.cpuUsPerEvent.total ?? '–'} | ${['emotion-detector', 'sla-monitor', 'router'].map((k) => s.rssMbMax[k] ?? '–').join(' / ')} | ${s.why.join('; ')} |`)];
}

export async function writeReport(dir: string, report: Record<string, unknown>, checks: TargetCheck[], samples: Sample[]): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  const files = [join(dir, 'report.json'), join(dir, 'report.md'), join(dir, 'latency-lag.png')];
  writeFileSync(files[0], JSON.stringify({ ...report, checks }, null, 2) + '\n');
  const live = report.live as { cpu?: PerEvent; latencyByPathMs?: Record<string, Quantiles | null> } | undefined;
  const ramp = report.ramp as { steps: RampRow[] } | undefined;
  const md = [
    `# Benchmark ${report.at as string}`, '', `Machine: ${report.machine as string}`, '',
    `Machine load (1/5/15-min load average, start → end; cores used by processes not ours): \`${JSON.stringify(report.loadAverage)}\``, '',
    ...(report.infraAtStart ? [`Left in Redis and the broker by earlier runs, at the start: \`${JSON.stringify(report.infraAtStart)}\``, ''] : []), `Options: \`${JSON.stringify(report.options)}\``, '',
    '| target | goal | measured | |', '|---|---|---|---|',
    ...checks.map((c) => `| ${c.name} | ${c.target} | ${c.measured} | ${c.ok ? 'met' : '**missed**'} |`),
    ...(live?.cpu ? ['', '## CPU per input event (process CPU over the measured window)', '', ...cpuTable(live.cpu, report.noop as PerEvent | undefined)] : []),
    ...(live?.latencyByPathMs ? ['', '## Latency by path (message: two Kafka hops; customer: three, through the internal topic; sla: a timer, then one hop)', '', ...pathTable(live.latencyByPathMs)] : []),
    ...(ramp ? ['', '## Ramp', '', ...rampTable(ramp.steps)] : []),
    '', '![latency and lag](latency-lag.png)', '', '```json', JSON.stringify(report, null, 2), '```', '',
  ].join('\n');
  writeFileSync(files[1], md);
  writeFileSync(files[2], await plotPng(samples));
  return files;
}
