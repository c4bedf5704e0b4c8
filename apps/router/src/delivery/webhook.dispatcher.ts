import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { retryDelayMs } from '@cx/routing';
import { BackgroundLoop } from '../background-loop';
import { notificationEvent, type NotificationOutcome } from '../store/escalation-events';
import { EscalationWriter } from '../store/escalation-writer';
import { RouterMetrics } from '../router-metrics';
import { TenantRoutingConfig } from '../config/routing-config.provider';
import { WebhookQueue, type WebhookJob } from './webhook-queue';

export interface WebhookSettings {
  maxAttempts: number;
  backoffMs: number;
  backoffMaxMs: number;
  timeoutMs: number;
  tickMs: number;
  concurrency: number;
}
export const WEBHOOK_SETTINGS = Symbol('WEBHOOK_SETTINGS');

/**
 * Delivers queued webhooks (Slack-compatible JSON) with Node's fetch, off the consumer's path:
 * jobs are claimed from the Redis queue, so with several instances each attempt is made once; a
 * failure is retried with exponential backoff and jitter, and after `maxAttempts` failures the job
 * is dead-lettered. The URL is a secret: it is read from the routing config here and never logged,
 * stored or published (errors are reported by class only).
 */
@Injectable()
export class WebhookDispatcher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger('WebhookDispatcher');
  private readonly loop: BackgroundLoop;

  constructor(
    private readonly queue: WebhookQueue,
    private readonly writer: EscalationWriter,
    private readonly config: TenantRoutingConfig,
    private readonly metrics: RouterMetrics,
    @Inject(WEBHOOK_SETTINGS) private readonly settings: WebhookSettings,
  ) {
    this.loop = new BackgroundLoop('webhook dispatcher', settings.tickMs, () => this.tick());
  }

  onApplicationBootstrap(): void {
    this.loop.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.loop.stop();
  }

  async tick(now = Date.now()): Promise<boolean> {
    const lease = now + this.settings.timeoutMs + 10_000;
    const jobs = await this.queue.claim(now, lease, this.settings.concurrency);
    await Promise.all(jobs.map((j) => this.deliver(j)));
    return jobs.length === this.settings.concurrency;
  }

  private async deliver(job: WebhookJob): Promise<void> {
    const url = this.config.forTenant(job.tenant).teams.settings[job.team]?.webhookUrl;
    const error = url ? await this.post(url, job) : 'no webhook URL configured for the team any more';
    const attempts = job.attempts + 1;
    if (error === undefined) {
      this.metrics.webhookDeliveries.inc({ outcome: 'delivered' });
      await this.emit(job, 'delivered', attempts);
      await this.queue.done(job);
      return;
    }
    this.metrics.webhookDeliveries.inc({ outcome: 'failed' });
    const failed: WebhookJob = { ...job, attempts, lastError: error };
    if (attempts >= this.settings.maxAttempts || !url) {
      this.metrics.webhookDeadLetters.inc();
      this.log.warn(`webhook for team ${job.team} dead-lettered after ${attempts} attempts: ${error}`);
      await this.emit(job, 'dead_lettered', attempts);
      await this.queue.deadLetter(failed);
      return;
    }
    // The first failure is published once (its id repeats for later ones); the end is published too.
    if (attempts === 1) await this.emit(job, 'failed', attempts);
    await this.queue.retryAt(failed, Date.now() + retryDelayMs(attempts, this.settings.backoffMs, this.settings.backoffMaxMs));
  }

  /** POSTs the payload; undefined on a 2xx, else the reason (status or error class, never the URL). */
  private async post(url: string, job: WebhookJob): Promise<string | undefined> {
    const end = this.metrics.webhookSeconds.startTimer();
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'User-Agent': 'cx-router' },
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

  private async emit(job: WebhookJob, outcome: NotificationOutcome, attempts: number): Promise<void> {
    const event = notificationEvent({ tenantId: job.tenant, escalationId: job.escalationId, conversationId: job.conversationId },
      { channel: 'webhook', recipient: `webhook:${job.team}`, step: job.step }, outcome, attempts, new Date().toISOString());
    await this.writer.commit('webhook', [], async () => ({ result: undefined, events: [event] }));
  }
}
