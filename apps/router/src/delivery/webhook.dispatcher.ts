/*
 * Delivers queued webhooks (Slack-compatible JSON) with Node's fetch, off the consumer's path:
 * jobs are claimed from the shards' lease queues, so with several instances each attempt is made
 * by one; a failure is retried with exponential backoff and jitter, and after `maxAttempts`
 * failures the job is dead-lettered. Each outcome commits guarded by the job as claimed, with its
 * `cx.notification.sent.v1`. The URL is a secret: it is read from the routing config here and never
 * logged, stored or published (errors are reported by class only).
 */
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { retryDelayMs } from '@cx/routing';
import { Committer, digestOf, LoopRunner, type Change } from '@cx/runtime';
import { ATTR_ATTEMPT, ATTR_HTTP_REQUEST_METHOD, ATTR_OUTCOME, ATTR_TENANT, startWork } from '@cx/tracing';
import { TenantRoutingConfig } from '../config/routing-config.provider';
import { ROUTER_CLOCK, type Clock } from '../router-clock';
import { notificationCounts, RouterMetrics } from '../router-metrics';
import { notificationEvent, type NotificationOutcome } from '../store/escalation-events';
import { WebhookQueue, type ClaimedJob, type WebhookJob } from './webhook-queue';

export interface WebhookSettings {
  maxAttempts: number;
  backoffMs: number;
  backoffMaxMs: number;
  timeoutMs: number;
  tickMs: number;
  concurrency: number;
}
export const WEBHOOK_SETTINGS = Symbol('WEBHOOK_SETTINGS');

@Injectable()
export class WebhookDispatcher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger('WebhookDispatcher');
  private readonly loop: LoopRunner;

  constructor(
    private readonly queue: WebhookQueue,
    private readonly committer: Committer,
    private readonly config: TenantRoutingConfig,
    private readonly metrics: RouterMetrics,
    @Inject(WEBHOOK_SETTINGS) private readonly settings: WebhookSettings,
    @Inject(ROUTER_CLOCK) private readonly clock: Clock,
  ) {
    this.loop = new LoopRunner('webhook dispatcher', settings.tickMs, () => this.tick());
  }

  onApplicationBootstrap(): void {
    this.loop.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.loop.stop();
  }

  async tick(now = this.clock()): Promise<boolean> {
    const lease = now + this.settings.timeoutMs + 10_000;
    const jobs = await this.queue.claim(now, lease, this.settings.concurrency);
    const changes = await Promise.all(jobs.map((j) => this.deliver(j)));
    await this.committer.apply(changes.map((c) => ({ ...c, counts: [...(c.counts ?? []), ...notificationCounts(c.events ?? [])] })));
    return jobs.length === this.settings.concurrency;
  }

  /** Makes one attempt and returns what it came to, as a Change of the job's shard. */
  private async deliver({ shard, job, raw }: ClaimedJob): Promise<Change> {
    const url = this.config.forTenant(job.tenant).teams.settings[job.team]?.webhookUrl;
    const attempts = job.attempts + 1;
    // No URL, no server address in the span: a webhook URL is a secret.
    const span = startWork('webhook deliver', job.trace, 'client', {
      [ATTR_HTTP_REQUEST_METHOD]: 'POST', [ATTR_TENANT]: job.tenant, 'cx.team': job.team, 'cx.escalation.id': job.escalationId, [ATTR_ATTEMPT]: attempts,
    });
    // The request and the notification carry the attempt's span; the stored job keeps the escalation's trace.
    const traced = span ? { ...job, trace: span.trace } : job;
    const error = url ? await this.post(url, traced) : 'no webhook URL configured for the team any more';
    span?.end({ [ATTR_OUTCOME]: error === undefined ? 'delivered' : 'failed' }, error === undefined ? undefined : errorClass(error));
    const base = { shard, entity: `webhook:${job.id}`, guards: [{ key: this.queue.jobKey(shard, job), digest: digestOf(raw) }] };
    const at = new Date(this.clock()).toISOString();
    if (error === undefined) {
      this.metrics.webhookDeliveries.inc({ outcome: 'delivered' });
      return { ...base, commands: this.queue.doneCommands(shard, job), events: [this.event(traced, 'delivered', attempts, at)] };
    }
    this.metrics.webhookDeliveries.inc({ outcome: 'failed' });
    const failed: WebhookJob = { ...job, attempts, lastError: error };
    if (attempts >= this.settings.maxAttempts || !url) {
      this.log.warn(`webhook for team ${job.team} dead-lettered after ${attempts} attempts: ${error}`);
      return {
        ...base, commands: this.queue.deadLetterCommands(shard, failed, at), events: [this.event(traced, 'dead_lettered', attempts, at)],
        counts: [{ metric: 'cx_router_webhook_dead_letters_total' }],
      };
    }
    // The first failure is published once (its id repeats for later ones); the end is published too.
    const retryAt = this.clock() + retryDelayMs(attempts, this.settings.backoffMs, this.settings.backoffMaxMs);
    return { ...base, commands: this.queue.retryCommands(shard, failed, retryAt), events: attempts === 1 ? [this.event(traced, 'failed', attempts, at)] : [] };
  }

  /** POSTs the payload; undefined on a 2xx, else the reason (status or error class, never the URL). */
  private async post(url: string, job: WebhookJob): Promise<string | undefined> {
    const end = this.metrics.webhookSeconds.startTimer();
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'User-Agent': 'cx-router', ...(job.trace ?? {}) },
        body: JSON.stringify(job.payload),
        redirect: 'error',
        signal: AbortSignal.timeout(this.settings.timeoutMs),
      });
      await res.body?.cancel().catch(() => undefined);
      return res.ok ? undefined : `HTTP ${res.status}`;
    } catch (e) {
      const err = e as Error & { cause?: { code?: string } };
      return err.name === 'TimeoutError' ? 'timeout' : `network error ${err.cause?.code ?? err.name}`;
    } finally {
      end();
    }
  }

  private event(job: WebhookJob, outcome: NotificationOutcome, attempts: number, at: string) {
    return notificationEvent({ tenantId: job.tenant, escalationId: job.escalationId, conversationId: job.conversationId, trace: job.trace },
      { channel: 'webhook', recipient: `webhook:${job.team}`, step: job.step }, outcome, attempts, at);
  }
}

/** The class of a delivery error for a span's `error.type`: the HTTP status, the network error code, or `timeout`. */
function errorClass(error: string): string {
  return /^HTTP (\d+)$/.exec(error)?.[1] ?? /^network error (\S+)$/.exec(error)?.[1] ?? (error === 'timeout' ? 'timeout' : 'no_url');
}
