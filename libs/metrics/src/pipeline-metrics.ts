import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** A metric update a plan asks for, applied once it committed (libs/runtime Count). */
export interface MetricUpdate {
  metric: string;
  labels?: Record<string, string>;
  value?: number;
  kind?: 'inc' | 'observe';
  /** For `observe`: seconds from this instant (epoch ms) to when the update is applied (a latency up to the commit). */
  since?: number;
}

/** Every consumed message ends in exactly one of these. */
export type Outcome = 'ok' | 'dropped' | 'dead_lettered' | 'retried';

/**
 * The metrics every service shares: what it consumed and how each message ended, what it
 * produced, batch timing and consumer lag. Labels come from small fixed sets (logical topic
 * names, event types, outcome), never ids.
 */
export class PipelineMetrics {
  readonly registry: Registry;
  readonly consumed: Counter<'topic' | 'outcome'>;
  readonly produced: Counter<'topic' | 'type'>;
  readonly deadLettered: Counter<'topic' | 'reason'>;
  readonly batchDuration: Histogram<'topic'>;
  readonly batchSize: Histogram<'topic'>;
  readonly eventAge: Histogram<'topic'>;
  readonly lag: Gauge<'topic' | 'partition'>;
  readonly transientErrors: Counter<'stage'>;
  readonly commitConflicts: Counter<'outcome'>;

  constructor(readonly service: string) {
    this.registry = new Registry();
    this.registry.setDefaultLabels({ service });
    collectDefaultMetrics({ register: this.registry });
    const registers = [this.registry];
    this.consumed = new Counter({
      name: 'cx_messages_consumed_total', help: 'Kafka messages consumed, by how they ended',
      labelNames: ['topic', 'outcome'], registers,
    });
    this.produced = new Counter({
      name: 'cx_events_produced_total', help: 'Events produced to Kafka, by topic and event type',
      labelNames: ['topic', 'type'], registers,
    });
    this.deadLettered = new Counter({
      name: 'cx_dead_letters_total', help: 'Messages sent to cx.dlq, by source topic and reason class',
      labelNames: ['topic', 'reason'], registers,
    });
    this.batchDuration = new Histogram({
      name: 'cx_batch_duration_seconds', help: 'Time to process one Kafka batch until its offsets are committed',
      labelNames: ['topic'], buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5], registers,
    });
    this.batchSize = new Histogram({
      name: 'cx_batch_messages', help: 'Messages per processed Kafka batch',
      labelNames: ['topic'], buckets: [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 5000], registers,
    });
    this.eventAge = new Histogram({
      name: 'cx_event_age_seconds', help: 'Processing time minus event time, when the batch is committed',
      labelNames: ['topic'], buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60], registers,
    });
    this.lag = new Gauge({
      name: 'cx_consumer_lag_messages', help: "Latest offset minus the consumer group's committed offset, per partition (every instance reports the group: use max)",
      labelNames: ['topic', 'partition'], registers,
    });
    this.transientErrors = new Counter({
      name: 'cx_transient_errors_total', help: 'Transient Kafka/Redis errors that made a unit of work retry',
      labelNames: ['stage'], registers,
    });
    this.commitConflicts = new Counter({
      name: 'cx_commit_conflicts_total', help: 'Commit parts that did not apply and were planned again (a guard or a de-duplication mark refused them)',
      labelNames: ['outcome'], registers,
    });
    for (const outcome of ['conflict', 'duplicate']) this.commitConflicts.inc({ outcome }, 0);
  }

  /** Applies an update to the metric of that name on this registry (a name nobody registered is a bug). */
  apply(u: MetricUpdate): void {
    const m = this.registry.getSingleMetric(u.metric) as (Counter<string> & Histogram<string>) | undefined;
    if (!m) throw new Error(`no metric named ${u.metric}`);
    if (u.kind === 'observe') m.observe(u.labels ?? {}, u.since !== undefined ? Math.max(0, (Date.now() - u.since) / 1000) : u.value ?? 0);
    else m.inc(u.labels ?? {}, u.value ?? 1);
  }
}
