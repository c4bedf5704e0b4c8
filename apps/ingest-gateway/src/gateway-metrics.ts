// The gateway's metrics (docs/metrics.md): every request ends in one outcome per connector, and
// two latencies: mapping (parse, verify and map) and request → Kafka acknowledgement. Labels
// come from the fixed connector and outcome sets, never tenants or ids.
import { Counter, Histogram } from 'prom-client';
import type { PipelineMetrics } from '@cx/metrics';
import { CONNECTOR_NAMES } from './connectors-config';

export const OUTCOMES = ['published', 'ignored', 'unauthorized', 'not_found', 'too_large', 'unmappable', 'unavailable', 'bad_request'] as const;
export type RequestOutcome = (typeof OUTCOMES)[number];
export type ConnectorLabel = (typeof CONNECTOR_NAMES)[number] | 'unknown';
export const RECORD_OUTCOMES = ['mapped', 'ignored', 'unmappable'] as const;

export class GatewayMetrics {
  readonly requests: Counter<'connector' | 'outcome'>;
  readonly records: Counter<'connector' | 'outcome'>;
  readonly mapping: Histogram<'connector'>;
  readonly ack: Histogram<'connector'>;

  constructor(readonly pipeline: PipelineMetrics) {
    const registers = [pipeline.registry];
    this.requests = new Counter({
      name: 'cx_ingest_requests_total', help: 'Ingest requests by connector and how they ended (HTTP 200 published, 202 ignored, 4xx/503 otherwise)',
      labelNames: ['connector', 'outcome'], registers,
    });
    this.records = new Counter({
      name: 'cx_ingest_records_total', help: 'Platform records (one request may carry a batch) by connector and mapping result',
      labelNames: ['connector', 'outcome'], registers,
    });
    this.mapping = new Histogram({
      name: 'cx_ingest_mapping_duration_seconds', help: 'Time to verify, parse and map one request into events',
      labelNames: ['connector'], buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1], registers,
    });
    this.ack = new Histogram({
      name: 'cx_ingest_ack_duration_seconds', help: 'Time from receiving a request to Kafka acknowledging its events (acks=all)',
      labelNames: ['connector'], buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5], registers,
    });
    for (const connector of [...CONNECTOR_NAMES, 'unknown']) {
      for (const outcome of OUTCOMES) this.requests.inc({ connector, outcome }, 0);
      for (const outcome of RECORD_OUTCOMES) if (connector !== 'unknown') this.records.inc({ connector, outcome }, 0);
    }
  }
}
