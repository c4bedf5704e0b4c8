import { DynamicModule, Inject, Injectable, Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Counter } from 'prom-client';
import { AgentUpdatedV1, EscalationEvent, Topics } from '@cx/contracts';
import { PipelineMetrics } from '@cx/metrics';
import { serviceRuntime } from '@cx/runtime';
import { AgentsController } from './api/agents.controller';
import { ApiKeyRegistry } from './api/api-keys';
import { AuthGuard } from './api/auth.guard';
import { AuthController } from './api/auth/auth.controller';
import { Authenticator } from './api/auth/authenticator';
import { loadAuthSection } from './api/auth/oidc-config';
import { OidcProviderClient, OidcVerifier } from './api/auth/oidc-verifier';
import { RATE_LIMIT_SETTINGS, RateLimits, type RateLimitSettings } from './api/auth/rate-limits';
import { STREAM_TICKET_TTL_SECONDS, StreamTickets } from './api/auth/stream-tickets';
import { DocsController } from './api/docs.controller';
import { EscalationActions } from './api/escalation-actions.service';
import { EscalationsController } from './api/escalations.controller';
import { ConsoleController } from './api/console.controller';
import { EscalationActionsController } from './api/escalation-actions.controller';
import { FeedbackStore } from './api/feedback-store';
import { HistoryStore } from './api/history-store';
import { TenantRoutingConfig } from './config/routing-config.provider';
import { DashboardController } from './dashboard.controller';
import { WEBHOOK_SETTINGS, WebhookDispatcher, type WebhookSettings } from './delivery/webhook.dispatcher';
import { WebhookQueue } from './delivery/webhook-queue';
import { AgentsHandler } from './inbox/agents.handler';
import { InboxController } from './inbox/inbox.controller';
import { InboxHandler, ROUTER_STATE_TTL } from './inbox/inbox.handler';
import { LadderScheduler, SCHEDULER_TICK_MS } from './ladder/ladder.scheduler';
import { SseHub } from './live/sse.hub';
import { ROUTER_CLOCK } from './router-clock';
import type { RouterEnv } from './router-env';
import { RouterKeys } from './router-keys';
import { METRIC_TENANTS, RouterMetrics } from './router-metrics';
import { AgentDirectory } from './store/agent-directory';
import { ChangeFeed } from './store/change-feed';
import { CustomerHistoryStore } from './store/customer-history.store';
import { SlaAttainmentReader } from './store/sla-attainment.reader';
import { EscalationStore } from './store/escalation.store';

/** The routing config reloads on SIGHUP and when its file changes, counted by outcome. */
@Injectable()
class ConfigReloads implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(@Inject(TenantRoutingConfig) private readonly config: TenantRoutingConfig, metrics: PipelineMetrics) {
    const reloads = new Counter({ name: 'cx_router_config_reloads_total', help: 'Reloads of ROUTER_CONFIG_FILE by outcome', labelNames: ['outcome'], registers: [metrics.registry] });
    for (const o of ['applied', 'unchanged', 'rejected']) reloads.inc({ outcome: o }, 0);
    config.source.onOutcome((o) => reloads.inc({ outcome: o }));
  }
  onApplicationBootstrap(): void {
    this.config.source.start();
  }
  onApplicationShutdown(): void {
    this.config.source.stop();
  }
}

/** Every controller of the router: what Nest serves (the route-table drift test reads this list). */
export const ROUTER_CONTROLLERS = [
  InboxController, EscalationsController, EscalationActionsController, ConsoleController, AgentsController, AuthController, DocsController, DashboardController,
];

@Module({})
export class RouterModule {
  /** Keys and routing config are read here, so a bad file stops start-up naming it. */
  static forRoot(env: RouterEnv): DynamicModule {
    const keys = ApiKeyRegistry.fromFile(env.ROUTER_API_KEYS_FILE);
    const routing = TenantRoutingConfig.load(env.ROUTER_CONFIG_FILE);
    const oidc = new OidcVerifier(loadAuthSection(env.ROUTER_CONFIG_FILE).oidc.providers.map((p) => new OidcProviderClient(p)));
    const rateLimits: RateLimitSettings = {
      read: env.ROUTER_RATE_LIMIT_READ, write: env.ROUTER_RATE_LIMIT_WRITE, stream: env.ROUTER_RATE_LIMIT_STREAM,
      public: env.ROUTER_RATE_LIMIT_PUBLIC, unauthenticated: env.ROUTER_RATE_LIMIT_UNAUTHENTICATED,
    };
    const webhooks: WebhookSettings = {
      maxAttempts: env.ROUTER_WEBHOOK_MAX_ATTEMPTS, backoffMs: env.ROUTER_WEBHOOK_BACKOFF_MS, backoffMaxMs: env.ROUTER_WEBHOOK_BACKOFF_MAX_MS,
      timeoutMs: env.ROUTER_WEBHOOK_TIMEOUT_MS, tickMs: env.ROUTER_WEBHOOK_TICK_MS, concurrency: env.ROUTER_WEBHOOK_CONCURRENCY,
    };
    return {
      module: RouterModule,
      imports: serviceRuntime(env, {
        service: 'router', namespace: 'rt', groupId: env.ROUTER_GROUP_ID,
        subscriptions: { [Topics.escalations]: EscalationEvent, [Topics.agents]: AgentUpdatedV1 },
        produces: [Topics.notifications, Topics.agents, Topics.escalations],
      }),
      controllers: ROUTER_CONTROLLERS,
      providers: [
        RouterKeys, RouterMetrics, ChangeFeed, EscalationStore, AgentDirectory, CustomerHistoryStore, WebhookQueue,
        InboxHandler, AgentsHandler, EscalationActions, WebhookDispatcher, LadderScheduler, SseHub, AuthGuard, ConfigReloads,
        HistoryStore, SlaAttainmentReader, FeedbackStore, Authenticator, StreamTickets, RateLimits,
        { provide: OidcVerifier, useValue: oidc },
        { provide: RATE_LIMIT_SETTINGS, useValue: rateLimits },
        { provide: STREAM_TICKET_TTL_SECONDS, useValue: env.ROUTER_STREAM_TICKET_TTL_SECONDS },
        // Metric labels may name the tenants the configuration names (bounded), see RouterMetrics.
        { provide: METRIC_TENANTS, useValue: ['default', ...keys.tenants(), ...routing.tenants()] },
        { provide: ApiKeyRegistry, useValue: keys },
        { provide: TenantRoutingConfig, useValue: routing },
        { provide: ROUTER_STATE_TTL, useValue: env.ROUTER_STATE_TTL_SECONDS },
        { provide: SCHEDULER_TICK_MS, useValue: env.ROUTER_SCHEDULER_TICK_MS },
        { provide: WEBHOOK_SETTINGS, useValue: webhooks },
        { provide: ROUTER_CLOCK, useValue: Date.now },
      ],
    };
  }
}
