/*
 * `--ramp`: raises the rate in steps on the running stack until a step does not hold, and reports
 * the highest rate that did. A step holds when produce → SSE p99 stays under the limit, no
 * consumer group's lag grows over the step, the load generator really produced the rate, and the
 * groups catch up after it. Each step drains before the next, so one step's backlog never
 * counts against the next.
 */
import type { LiveResult, Sample } from './live-load';

export const RAMP_P99_LIMIT_MS = 250;

export interface RampStep {
  rate: number;
  held: boolean;
  why: string[];
  producedPerSec: number;
  latencyMs: LiveResult['latencyMs'];
  lag: Record<string, { first: number; last: number }>;
  cpuUsPerEvent: Record<string, number>;
  cpuPctAvg: Record<string, number>;
  rssMbMax: Record<string, number>;
  drainedAfterSec: number | null;
}

const avg = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);

/** Lag at the start and end of the measured window (averages of its first and last third). */
export function lagTrend(samples: Sample[], warmup: number, duration: number, group: string): { first: number; last: number } {
  const win = samples.filter((s) => s.t >= warmup && s.t <= warmup + duration && (s.lag[group] ?? -1) >= 0);
  const third = Math.max(1, Math.floor(win.length / 3));
  return { first: Math.round(avg(win.slice(0, third).map((s) => s.lag[group]))), last: Math.round(avg(win.slice(-third).map((s) => s.lag[group]))) };
}

/** Judges one step; `lagSlack` is the lag (messages) any healthy consumer may show, whatever the trend. */
export function judgeStep(rate: number, r: LiveResult, o: { warmup: number; duration: number; groups: string[]; services: string[] }): RampStep {
  const why: string[] = [];
  const lagSlack = rate / 2;
  const lag = Object.fromEntries(o.groups.map((g) => [g, lagTrend(r.samples, o.warmup, o.duration, g)]));
  if (!r.latencyMs) why.push('no latency samples');
  else if (r.latencyMs.p99 >= RAMP_P99_LIMIT_MS) why.push(`p99 ${r.latencyMs.p99} ms ≥ ${RAMP_P99_LIMIT_MS} ms`);
  for (const [g, l] of Object.entries(lag)) if (l.last > Math.max(l.first, lagSlack)) why.push(`${g} lag grew ${l.first} → ${l.last}`);
  if (r.producedPerSec < rate * 0.95) why.push(`load generator reached only ${r.producedPerSec}/s`);
  if (r.drainedAfterSec === null) why.push('did not catch up after the step');
  const win = r.samples.filter((s) => s.t >= o.warmup);
  return {
    rate, held: why.length === 0, why, producedPerSec: r.producedPerSec, latencyMs: r.latencyMs, lag, drainedAfterSec: r.drainedAfterSec,
    cpuUsPerEvent: r.cpu.cpuUsPerEvent,
    cpuPctAvg: Object.fromEntries(o.services.map((s) => [s, Math.round(avg(win.map((x) => x.cpuPct[s] ?? 0)))])),
    rssMbMax: Object.fromEntries(o.services.map((s) => [s, Math.max(0, ...r.samples.map((x) => x.rssMb[s] ?? 0))])),
  };
}

export interface RampResult {
  steps: RampStep[];
  /** The highest rate of a step that held, or null when none did. */
  highestHeld: number | null;
}

/** Runs steps from `from` by `step` up to `max`, stopping after the first step that does not hold. */
export async function ramp(run: (rate: number, stepIndex: number) => Promise<RampStep>, o: { from: number; step: number; max: number }, log: (m: string) => void): Promise<RampResult> {
  const steps: RampStep[] = [];
  for (let rate = o.from, i = 0; rate <= o.max; rate += o.step, i++) {
    const s = await run(rate, i);
    steps.push(s);
    log(`ramp: ${rate}/s ${s.held ? 'held' : `did not hold (${s.why.join('; ')})`}: p99 ${s.latencyMs?.p99 ?? '-'} ms, CPU ${s.cpuUsPerEvent.total ?? '-'} µs/event`);
    if (!s.held) break;
  }
  const held = steps.filter((s) => s.held).map((s) => s.rate);
  return { steps, highestHeld: held.length ? Math.max(...held) : null };
}
