/*
 * SLA metrics, registered once; what a change adds to them is computed with the plan (firingCounts)
 * and applied when it commits. Labels come from small fixed sets: metric names, policy ids from the
 * policy file ("none" for a promise no policy matches), the fire path and outcomes; never ids.
 */
import { Counter, Gauge, Histogram } from 'prom-client';
import { SlaMetric } from '@cx/contracts';
import type { PipelineMetrics } from '@cx/metrics';
import type { Count, OutEvent } from '@cx/runtime';
import type { CompiledPolicy, SlaCompletion } from '@cx/sla';

/** Where a firing was emitted from: the timer scheduler, or the consumer (an event crossed the instant). */
export type FirePath = 'timer' | 'event';
export type TimerOutcome = 'fired' | 'stale' | 'rescheduled' | 'conflict';

export class SlaMetrics {
  readonly timers: Counter<'outcome'>;
  readonly watermarkDelay: Gauge;
  private openClocks: Record<string, number> | undefined;
  private readonly openTimer: NodeJS.Timeout;
  private readonly targets: Gauge<'policy'>;

  /**
   * `readOpenClocks` (Redis) is asked every `openEveryMs` in the background and a scrape shows the
   * last answer: asked at each scrape, it cost every /metrics up to 100 ms while Redis was slow or
   * unreachable, and a Redis round trip per scrape.
   */
  constructor(metrics: PipelineMetrics, policies: CompiledPolicy[], readOpenClocks: () => Promise<Record<string, number>>, openEveryMs = 2_000) {
    const registers = [metrics.registry];
    const policyIds = policies.map((p) => p.id);
    const clocks = new Counter({
      name: 'cx_sla_clocks_total', help: 'Completed SLA clocks by policy, metric and outcome: met, breached, dropped (a policy change removed the target), reopened (a met resolution taken back)',
      labelNames: ['policy', 'metric', 'outcome'], registers,
    });
    this.targets = new Gauge({ name: 'cx_sla_attainment_target', help: 'attainmentTarget of each policy in the policy file (share of clocks to meet), for the attainment alert', labelNames: ['policy'], registers });
    this.setTargets(policies);
    const warnings = new Counter({ name: 'cx_sla_warnings_total', help: 'SLA warnings emitted to cx.sla', labelNames: ['metric', 'policy'], registers });
    const breaches = new Counter({ name: 'cx_sla_breaches_total', help: 'SLA breaches emitted to cx.sla', labelNames: ['metric', 'policy'], registers });
    new Histogram({
      name: 'cx_sla_fire_lateness_seconds', help: 'Publish time minus the moment firing became possible (the threshold instant, or later when the input watermark passed it)',
      labelNames: ['path'], buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300], registers,
    });
    new Counter({ name: 'cx_sla_late_events_total', help: 'Events older than the latest event of their conversation, applied at their own time', labelNames: ['topic'], registers });
    const dropped = new Counter({ name: 'cx_sla_dropped_events_total', help: 'Events not applied: conversation closed, or a duplicate the engine caught', labelNames: ['reason'], registers });
    this.timers = new Counter({ name: 'cx_sla_timers_total', help: 'Claimed timers by what became of them', labelNames: ['outcome'], registers });
    this.watermarkDelay = new Gauge({
      name: 'cx_sla_watermark_delay_seconds', help: 'Wall clock minus the input event-time watermark: how far timers are held back by unconsumed input', registers,
    });
    const self = this;
    new Gauge({
      name: 'cx_sla_open_clocks', help: 'Open SLA clocks by metric (the whole store: every instance reports the same value, use max)',
      labelNames: ['metric'], registers,
      collect() {
        if (!self.openClocks) return;
        for (const m of SlaMetric.options) this.set({ metric: m }, self.openClocks[m] ?? 0);
      },
    });
    let reading = false;
    const readOpen = () => {
      if (reading) return; // a read waiting on an unreachable Redis is not joined by more
      reading = true;
      readOpenClocks().then((v) => { this.openClocks = v; }, () => undefined).finally(() => { reading = false; });
    };
    this.openTimer = setInterval(readOpen, openEveryMs).unref();
    readOpen();
    // Zero series from the start, so rate() and absent() work before the first firing.
    for (const metric of SlaMetric.options) {
      for (const policy of [...policyIds, 'none']) {
        warnings.inc({ metric, policy }, 0);
        breaches.inc({ metric, policy }, 0);
        for (const outcome of ['met', 'breached', 'reopened']) clocks.inc({ policy, metric, outcome }, 0);
      }
    }
    for (const reason of ['closed', 'duplicate']) dropped.inc({ reason }, 0);
    for (const outcome of ['fired', 'stale', 'rescheduled', 'conflict'] as const) this.timers.inc({ outcome }, 0);
  }

  /** Nest calls it at shutdown (the instance is a provider). */
  onApplicationShutdown(): void {
    clearInterval(this.openTimer);
  }

  /** The policies' attainment targets (again after a reload: a removed policy's series goes). */
  setTargets(policies: CompiledPolicy[]): void {
    this.targets.reset();
    for (const p of policies) if (p.attainmentTarget !== undefined) this.targets.set({ policy: p.id }, p.attainmentTarget);
  }
}

/** What completed clocks add to the attainment counters. */
export function completionCounts(completions: SlaCompletion[]): Count[] {
  return completions.map((c) => ({ metric: 'cx_sla_clocks_total', labels: { policy: c.policyId ?? 'none', metric: c.metric, outcome: c.outcome } }));
}

/**
 * What the `cx.sla.*` events among `events` add to the metrics once published: a counter per
 * event and the lateness from `possibleAt(at)` (epoch ms) to the commit.
 */
export function firingCounts(events: OutEvent[], path: FirePath, possibleAt: (atMs: number) => number = (at) => at): Count[] {
  const out: Count[] = [];
  for (const { event } of events) {
    const breached = event.type === 'cx.sla.breached.v1';
    if (!breached && event.type !== 'cx.sla.warning.v1') continue;
    const d = (event as unknown as { data: { metric: string; policyId: string | null; at: string } }).data;
    out.push({ metric: breached ? 'cx_sla_breaches_total' : 'cx_sla_warnings_total', labels: { metric: d.metric, policy: d.policyId ?? 'none' } });
    out.push({ metric: 'cx_sla_fire_lateness_seconds', kind: 'observe', labels: { path }, since: possibleAt(Date.parse(d.at)) });
  }
  return out;
}
