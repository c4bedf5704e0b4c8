import { Counter, Gauge, Histogram } from 'prom-client';
import { SlaMetric } from '@cx/contracts';
import type { PipelineMetrics } from '@cx/metrics';
import type { OutEvent } from '@cx/kafka';

/** Where a firing was emitted from: the timer scheduler, or the consumer (an event crossed the instant). */
export type FirePath = 'timer' | 'event';
export type TimerOutcome = 'fired' | 'stale' | 'rescheduled' | 'conflict' | 'recovered';

/**
 * SLA metrics. Labels come from small fixed sets: metric names, policy ids from the policy file,
 * the fire path and outcomes; never conversation ids.
 */
export class SlaMetrics {
  readonly warnings: Counter<'metric' | 'policy'>;
  readonly breaches: Counter<'metric' | 'policy'>;
  readonly lateness: Histogram<'path'>;
  readonly lateEvents: Counter<'topic'>;
  readonly dropped: Counter<'reason'>;
  readonly timers: Counter<'outcome'>;

  constructor(metrics: PipelineMetrics, policyIds: string[], openClocks: () => Promise<Record<string, number>>) {
    const registers = [metrics.registry];
    this.warnings = new Counter({ name: 'cx_sla_warnings_total', help: 'SLA warnings emitted to cx.sla', labelNames: ['metric', 'policy'], registers });
    this.breaches = new Counter({ name: 'cx_sla_breaches_total', help: 'SLA breaches emitted to cx.sla', labelNames: ['metric', 'policy'], registers });
    this.lateness = new Histogram({
      name: 'cx_sla_fire_lateness_seconds', help: 'Emit time minus the instant the threshold was crossed',
      labelNames: ['path'], buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300], registers,
    });
    this.lateEvents = new Counter({ name: 'cx_sla_late_events_total', help: 'Events older than the latest event of their conversation, applied at their own time', labelNames: ['topic'], registers });
    this.dropped = new Counter({ name: 'cx_sla_dropped_events_total', help: 'Events not applied: conversation closed, or a duplicate the engine caught', labelNames: ['reason'], registers });
    this.timers = new Counter({ name: 'cx_sla_timers_total', help: 'Claimed timers by what became of them', labelNames: ['outcome'], registers });
    new Gauge({
      name: 'cx_sla_open_clocks', help: 'Open SLA clocks by metric (the whole store: every instance reports the same value, use max)',
      labelNames: ['metric'], registers,
      async collect() {
        const open = await openClocks().catch(() => undefined);
        if (!open) return;
        for (const m of SlaMetric.options) this.set({ metric: m }, open[m] ?? 0);
      },
    });
    // Zero series from the start, so rate() and absent() work before the first firing.
    for (const metric of SlaMetric.options) {
      for (const policy of [...policyIds, 'none']) {
        this.warnings.inc({ metric, policy }, 0);
        this.breaches.inc({ metric, policy }, 0);
      }
    }
    for (const reason of ['closed', 'duplicate']) this.dropped.inc({ reason }, 0);
    for (const outcome of ['fired', 'stale', 'rescheduled', 'conflict', 'recovered'] as const) this.timers.inc({ outcome }, 0);
  }

  /** Counts the `cx.sla.*` events among published outputs, once they reached Kafka. */
  emitted(events: OutEvent[], path: FirePath, now = Date.now()): void {
    for (const { event } of events) {
      const breached = event.type === 'cx.sla.breached.v1';
      if (!breached && event.type !== 'cx.sla.warning.v1') continue;
      const data = (event as unknown as { data: { metric: string; policyId: string | null; at: string } }).data;
      // 'none' only as a label value: events carry policyId null for an unmatched promise.
      (breached ? this.breaches : this.warnings).inc({ metric: data.metric, policy: data.policyId ?? 'none' });
      this.lateness.observe({ path }, Math.max(0, (now - Date.parse(data.at)) / 1000));
    }
  }
}
