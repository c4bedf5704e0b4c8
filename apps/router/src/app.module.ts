import { DynamicModule, Module } from '@nestjs/common';
import { AgentUpdatedV1, EscalationEvent, Topics } from '@cx/contracts';
import { serviceInfra } from '@cx/kafka';
import { AgentDirectory } from './store/agent-directory';
import { AgentsController } from './api/agents.controller';
import { ApiKeyRegistry } from './api/api-keys';
import { AuthGuard } from './api/auth.guard';
import { CustomerHistoryStore } from './store/customer-history.store';
import { DashboardController } from './dashboard.controller';
import { EscalationStore } from './store/escalation.store';
import { EscalationWriter, WRITER_POOL_SIZE } from './store/escalation-writer';
import { EscalationsController } from './api/escalations.controller';
import { InboxController } from './inbox/inbox.controller';
import { InboxPipeline, ROUTER_STATE_TTL } from './inbox/inbox.pipeline';
import { LadderScheduler, SCHEDULER_TICK_MS } from './ladder/ladder.scheduler';
import type { RouterEnv } from './router-env';
import { RouterKeys } from './router-keys';
import { RouterMetrics } from './router-metrics';
import { TenantRoutingConfig } from './config/routing-config.provider';
import { SseHub } from './live/sse.hub';
import { WEBHOOK_SETTINGS, WebhookDispatcher, type WebhookSettings } from './delivery/webhook.dispatcher';
import { WebhookQueue } from './delivery/webhook-queue';
import { ConsoleController } from './api/console.controller';
import { EscalationActions } from './api/escalation-actions.service';
import { EscalationActionsController } from './api/escalation-actions.controller';
import { FeedbackStore } from './api/feedback-store';
import { HistoryStore } from './api/history-store';
import { METRIC_TENANTS } from './router-metrics';

@Module({})
export class RouterModule {
  /** Keys and routing config are read here, so a bad file stops start-up naming it. */
  static forRoot(env: RouterEnv): DynamicModule {
    const keys = ApiKeyRegistry.fromFile(env.ROUTER_API_KEYS_FILE);
    const routing = TenantRoutingConfig.load(env.ROUTER_CONFIG_FILE);
    const webhooks: WebhookSettings = {
      maxAttempts: env.ROUTER_WEBHOOK_MAX_ATTEMPTS, backoffMs: env.ROUTER_WEBHOOK_BACKOFF_MS, backoffMaxMs: env.ROUTER_WEBHOOK_BACKOFF_MAX_MS,
      timeoutMs: env.ROUTER_WEBHOOK_TIMEOUT_MS, tickMs: env.ROUTER_WEBHOOK_TICK_MS, concurrency: env.ROUTER_WEBHOOK_CONCURRENCY,
    };
    return {
      module: RouterModule,
      imports: [
        ...serviceInfra(env, {
          service: 'router', namespace: 'rt', groupId: env.ROUTER_GROUP_ID,
          subscriptions: { [Topics.escalations]: EscalationEvent, [Topics.agents]: AgentUpdatedV1 },
          produces: [Topics.notifications, Topics.agents],
        }),
      ],
      controllers: [InboxController, EscalationsController, EscalationActionsController, ConsoleController, AgentsController, DashboardController],
      providers: [
        RouterKeys, RouterMetrics, InboxPipeline, EscalationStore, EscalationWriter, AgentDirectory, CustomerHistoryStore,
        WebhookQueue, WebhookDispatcher, LadderScheduler, SseHub, AuthGuard, EscalationActions, HistoryStore, FeedbackStore,
        // Metric labels may name the tenants the configuration names (bounded), see RouterMetrics.
        { provide: METRIC_TENANTS, useValue: ['default', ...keys.tenants(), ...routing.tenants()] },
        { provide: ApiKeyRegistry, useValue: keys },
        { provide: TenantRoutingConfig, useValue: routing },
        { provide: ROUTER_STATE_TTL, useValue: env.ROUTER_STATE_TTL_SECONDS },
        { provide: WRITER_POOL_SIZE, useValue: env.ROUTER_REDIS_POOL },
        { provide: SCHEDULER_TICK_MS, useValue: env.ROUTER_SCHEDULER_TICK_MS },
        { provide: WEBHOOK_SETTINGS, useValue: webhooks },
      ],
    };
  }
}
