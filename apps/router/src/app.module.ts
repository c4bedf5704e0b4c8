import { DynamicModule, Module } from '@nestjs/common';
import { AgentUpdatedV1, EscalationEvent, Topics } from '@cx/contracts';
import { serviceInfra } from '@cx/kafka';
import { AgentDirectory } from './store/agent-directory';
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

/** Every controller of the router: what Nest serves (the route-table drift test reads this list). */
export const ROUTER_CONTROLLERS = [InboxController, EscalationsController, AgentsController, AuthController, DocsController, DashboardController];

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
      imports: [
        ...serviceInfra(env, {
          service: 'router', namespace: 'rt', groupId: env.ROUTER_GROUP_ID,
          subscriptions: { [Topics.escalations]: EscalationEvent, [Topics.agents]: AgentUpdatedV1 },
          produces: [Topics.notifications, Topics.agents],
        }),
      ],
      controllers: ROUTER_CONTROLLERS,
      providers: [
        RouterKeys, RouterMetrics, InboxPipeline, EscalationStore, EscalationWriter, AgentDirectory, CustomerHistoryStore,
        WebhookQueue, WebhookDispatcher, LadderScheduler, SseHub, AuthGuard, Authenticator, StreamTickets, RateLimits,
        { provide: ApiKeyRegistry, useValue: keys },
        { provide: OidcVerifier, useValue: oidc },
        { provide: RATE_LIMIT_SETTINGS, useValue: rateLimits },
        { provide: STREAM_TICKET_TTL_SECONDS, useValue: env.ROUTER_STREAM_TICKET_TTL_SECONDS },
        { provide: TenantRoutingConfig, useValue: routing },
        { provide: ROUTER_STATE_TTL, useValue: env.ROUTER_STATE_TTL_SECONDS },
        { provide: WRITER_POOL_SIZE, useValue: env.ROUTER_REDIS_POOL },
        { provide: SCHEDULER_TICK_MS, useValue: env.ROUTER_SCHEDULER_TICK_MS },
        { provide: WEBHOOK_SETTINGS, useValue: webhooks },
      ],
    };
  }
}
