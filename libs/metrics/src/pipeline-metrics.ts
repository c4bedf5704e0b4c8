import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

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
      name: 'cx_consumer_lag_messages', help: 'High watermark minus the next offset to process, per partition',
      labelNames: ['topic', 'partition'], registers,
    });
    this.transientErrors = new Counter({
      name: 'cx_transient_errors_total', help: 'Transient Kafka/Redis errors that caused a batch retry',
      labelNames: ['stage'], registers,
    });
  }
}
