import { Inject, Injectable, Optional } from '@nestjs/common';
import { Counter, Gauge, Histogram } from 'prom-client';
import { PipelineMetrics } from '@cx/metrics';
import type { Count, OutEvent } from '@cx/runtime';
import type { ChangeLabel } from './store/change-feed';

/**
 * The tenants that may appear as a metric label: those named in the configuration (API keys and
 * routing config), at most MAX_TENANT_LABELS; any other tenant (e.g. one that only a signed
 * token names) is counted as "other", so the label set stays bounded by what an admin wrote.
 */
export const METRIC_TENANTS = Symbol('METRIC_TENANTS');
export const MAX_TENANT_LABELS = 200;


/** Router metrics on the service's registry. Labels come from small fixed sets, never ids. */
@Injectable()
export class RouterMetrics {
  readonly escalations: Counter<'change' | 'severity'>;
  readonly notifications: Counter<'channel' | 'outcome'>;
  readonly webhookDeliveries: Counter<'outcome'>;
  readonly webhookDeadLetters: Counter;
  readonly webhookSeconds: Histogram;
  readonly ladderSteps: Counter<'to' | 'severity'>;
  readonly sseClients: Gauge<'role'>;
  readonly requestToSse: Histogram;
  readonly feedback: Counter<'tenant' | 'verdict'>;
  readonly emotionFlags: Counter<'tenant'>;
  readonly consoleActions: Counter<'action' | 'role'>;
  private readonly tenants: ReadonlySet<string>;

  /** The label value for a tenant: itself when configured, else "other". */
  tenant(t: string): string {
    return this.tenants.has(t) ? t : 'other';
  }

  constructor(pipeline: PipelineMetrics, @Optional() @Inject(METRIC_TENANTS) tenants?: Iterable<string>) {
    this.tenants = new Set([...(tenants ?? ['default'])].slice(0, MAX_TENANT_LABELS));
    const registers = [pipeline.registry];
    this.escalations = new Counter({
      name: 'cx_router_escalations_total', help: 'Escalation changes committed, by change and severity',
      labelNames: ['change', 'severity'], registers,
    });
    this.notifications = new Counter({
      name: 'cx_router_notifications_total', help: 'Notifications (cx.notification.sent.v1), by channel and outcome',
      labelNames: ['channel', 'outcome'], registers,
    });
    this.webhookDeliveries = new Counter({
      name: 'cx_router_webhook_deliveries_total', help: 'Webhook delivery attempts, by outcome (delivered, failed)',
      labelNames: ['outcome'], registers,
    });
    this.webhookDeadLetters = new Counter({
      name: 'cx_router_webhook_dead_letters_total', help: 'Webhook deliveries given up after the last retry', registers,
    });
    this.webhookSeconds = new Histogram({
      name: 'cx_router_webhook_request_seconds', help: 'Duration of one webhook HTTP request',
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10], registers,
    });
    this.ladderSteps = new Counter({
      name: 'cx_router_ladder_steps_total', help: 'Escalation ladder steps after an acknowledgement timeout, by new target kind',
      labelNames: ['to', 'severity'], registers,
    });
    this.sseClients = new Gauge({
      name: 'cx_router_sse_clients', help: 'Connected SSE clients on this instance, by role', labelNames: ['role'], registers,
    });
    this.requestToSse = new Histogram({
      name: 'cx_router_request_to_sse_seconds', help: 'From the escalation request (event time) to the write to SSE clients',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 1, 2.5, 5], registers,
    });
    this.feedback = new Counter({
      name: 'cx_router_feedback_total', help: 'Verdicts people gave on escalation flags (not_negative = false alarm), by tenant and verdict',
      labelNames: ['tenant', 'verdict'], registers,
    });
    this.emotionFlags = new Counter({
      name: 'cx_router_emotion_flagged_escalations_total', help: 'Escalations raised with a negative-emotion reason (the denominator of the false-alarm rate), by tenant',
      labelNames: ['tenant'], registers,
    });
    this.consoleActions = new Counter({
      name: 'cx_router_console_actions_total', help: 'Actions people took on escalations (acknowledge, resolve, reassign, take_over, note, feedback), by role',
      labelNames: ['action', 'role'], registers,
    });
  }
}

/** What an escalation change adds to the router's metrics, counted once it committed. */
export function changeCounts(change: ChangeLabel, severity: string, assigneeKind: string | undefined, events: OutEvent[]): Count[] {
  const out: Count[] = [{ metric: 'cx_router_escalations_total', labels: { change, severity } }];
  if (change === 'escalated') out.push({ metric: 'cx_router_ladder_steps_total', labels: { to: assigneeKind ?? 'team', severity } });
  return [...out, ...notificationCounts(events)];
}

/** The notifications (cx.notification.sent.v1) among events, by channel and outcome. */
export function notificationCounts(events: OutEvent[]): Count[] {
  return events.filter((e) => e.event.type === 'cx.notification.sent.v1').map((e) => {
    const d = (e.event as unknown as { data: { channel: string; outcome: string } }).data;
    return { metric: 'cx_router_notifications_total', labels: { channel: d.channel, outcome: d.outcome } };
  });
}
