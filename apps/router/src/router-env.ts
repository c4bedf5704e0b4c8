import { z } from 'zod';
import { BaseEnv, port } from '@cx/config';

const int = (min: number, fallback: number) => z.coerce.number().int().min(min).default(fallback);

export const RouterEnv = BaseEnv.extend({
  ROUTER_PORT: port(3000),
  ROUTER_GROUP_ID: z.string().min(1).default('cx-router'),
  /** JSON/YAML file: API key → { role, tenant, teams, agentId }. */
  ROUTER_API_KEYS_FILE: z.string({ error: 'is required: the path of the API keys file (JSON or YAML)' }).min(1),
  /** Optional routing configuration (severity rules, ladder timeouts, teams, webhooks) per tenant. */
  ROUTER_CONFIG_FILE: z.string().min(1).optional(),
  ROUTER_STATE_TTL_SECONDS: int(60, 30 * 24 * 3600),
  /** How often the ladder scheduler looks for due timers (ms). */
  ROUTER_SCHEDULER_TICK_MS: int(10, 250),
  ROUTER_WEBHOOK_MAX_ATTEMPTS: int(1, 8),
  ROUTER_WEBHOOK_BACKOFF_MS: int(1, 1000),
  ROUTER_WEBHOOK_BACKOFF_MAX_MS: int(1, 5 * 60_000),
  ROUTER_WEBHOOK_TIMEOUT_MS: int(100, 5000),
  ROUTER_WEBHOOK_CONCURRENCY: int(1, 20),
  ROUTER_WEBHOOK_TICK_MS: int(10, 200),
});
export type RouterEnv = z.infer<typeof RouterEnv>;
