/*
 * The performance targets (the performance issue: CPU per event, latency, highest rate, drain, SLA
 * lateness, memory), judged from one benchmark's figures, so every report says the same things
 * the same way. Figures a run did not measure (no --ramp, --skip-ceiling) are left out, not passed.
 */
import type { LiveResult, Sample } from './live-load';
import type { NoopResult } from './noop-pipeline';
import type { RampResult } from './ramp';
import type { TargetCheck } from './report-writer';

export const SERVICES = ['emotion-detector', 'sla-monitor', 'router'];

export interface BenchFigures {
  rate: number;
  duration: number;
  warmup: number;
  contention: boolean;
  ceiling?: { emotionDetector: { perSec: number }; bare: { perSec: number }; consumerPerformance: { fetchPerSec: number } };
  noop?: NoopResult;
  live: LiveResult;
  ramp?: RampResult;
}

const avg = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);

export function checks(f: BenchFigures): TargetCheck[] {
  const out: TargetCheck[] = [];
  const { live } = f;
  const total = live.cpu.cpuUsPerEvent.total;
  const perService = SERVICES.map((s) => `${s.split('-')[0]} ${live.cpu.cpuUsPerEvent[s] ?? '-'}`).join(' / ');
  const others = live.cpu.othersCores === null ? '' : `; other work on the machine: ${live.cpu.othersCores} cores`;
  out.push({ name: `CPU per input event at ${f.rate}/s (3 services)`, target: '≤ 130 µs', measured: `${total} µs (${perService}${others})`, ok: total !== undefined && total <= 130 });
  if (f.noop) {
    const ratio = total / f.noop.cpuUsPerEvent.total;
    out.push({ name: 'CPU per input event vs the no-op pipeline', target: '≤ 2×', measured: `${ratio.toFixed(2)}× (${total} vs ${f.noop.cpuUsPerEvent.total} µs)`, ok: ratio <= 2 });
  }
  const p99Limit = f.contention ? 250 : 100;
  out.push({
    name: `end-to-end p99 produce → SSE at ${f.rate}/s for ${f.duration} s${f.contention ? ', with contention' : ''}`, target: `< ${p99Limit} ms`,
    measured: live.latencyMs ? `${live.latencyMs.p99} ms (p50 ${live.latencyMs.p50}, n=${live.latencyMs.n})` : 'no samples', ok: !!live.latencyMs && live.latencyMs.p99 < p99Limit,
  });
  if (f.ramp) {
    const h = f.ramp.highestHeld;
    const stop = f.ramp.steps.find((s) => !s.held);
    out.push({ name: 'highest sustained rate (p99 < 250 ms, no lag growth)', target: '≥ 6,000 events/s', measured: `${h ?? 'none'}${stop ? ` (${stop.rate}/s: ${stop.why.join('; ')})` : ''}`, ok: h !== null && h >= 6000 });
    const top = f.ramp.steps.find((s) => s.rate === h);
    for (const svc of SERVICES) {
      const rss = top?.rssMbMax[svc] ?? 0;
      out.push({ name: `RSS ${svc} at the highest sustained rate`, target: '< 250 MB', measured: top ? `${rss} MB at ${top.rate}/s` : 'no step held', ok: rss > 0 && rss < 250 });
    }
  } else {
    for (const svc of SERVICES) {
      const rss = Math.max(0, ...live.samples.map((s) => s.rssMb[svc] ?? 0));
      out.push({ name: `RSS ${svc} at ${f.rate}/s`, target: '< 250 MB', measured: `${rss} MB`, ok: rss > 0 && rss < 250 });
    }
  }
  if (f.ceiling) {
    const c = f.ceiling;
    out.push({
      name: 'emotion-detector draining a backlog', target: '≥ 25,000 msg/s',
      measured: `${c.emotionDetector.perSec} msg/s (${pct(c.emotionDetector.perSec, c.bare.perSec)} of bare kafkajs ${c.bare.perSec}, ${pct(c.emotionDetector.perSec, c.consumerPerformance.fetchPerSec)} of ConsumerPerformance ${c.consumerPerformance.fetchPerSec})`,
      ok: c.emotionDetector.perSec >= 25_000,
    });
  }
  const sla = live.slaFireLatenessMs;
  out.push({ name: `SLA fire lateness p99 at ${f.rate}/s`, target: '< 100 ms', measured: sla.p99 === null ? 'nothing fired' : `${sla.p99} ms (p50 ${sla.p50}, fired ${sla.fired})`, ok: sla.p99 !== null && sla.p99 < 100 });
  const last = live.samples.slice(-60);
  const first = live.samples.filter((s) => s.t >= f.warmup && s.t < f.warmup + 60);
  const lagOf = (ss: Sample[], svc: string) => avg(ss.map((s) => s.lag[svc] ?? 0));
  for (const svc of SERVICES) {
    out.push({ name: `no lag growth: ${svc}`, target: 'last-minute avg lag ≤ max(first-minute avg, 2 s of input)', measured: `${Math.round(lagOf(first, svc))} → ${Math.round(lagOf(last, svc))}`, ok: lagOf(last, svc) <= Math.max(lagOf(first, svc), 2 * f.rate) });
  }
  return out;
}

const pct = (a: number, b: number) => `${Math.round((100 * a) / b)} %`;
