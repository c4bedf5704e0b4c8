import { z } from 'zod';
import { BaseEnv, port } from '@cx/config';
import { parseOrigins } from '@cx/http';

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
  /** Browser origins allowed to call the API cross-origin (comma-separated); unset: CORS closed. */
  ROUTER_CORS_ORIGINS: z.string().default('').superRefine((v, ctx) => {
    const r = parseOrigins(v);
    if ('error' in r) ctx.addIssue({ code: 'custom', message: r.error });
  }).transform((v) => (parseOrigins(v) as { origins: string[] }).origins),
  /** Express `trust proxy` (e.g. `loopback`, `1`, a CIDR list): where client addresses come from behind a proxy. */
  ROUTER_TRUST_PROXY: z.string().optional().transform((v) => (v === undefined || v === 'false' ? false : v === 'true' ? true : /^\d+$/.test(v) ? Number(v) : v)),
  /** Requests per minute per principal and route class (per client address: public, unauthenticated); 0 = unlimited. */
  ROUTER_RATE_LIMIT_READ: int(0, 600),
  ROUTER_RATE_LIMIT_WRITE: int(0, 120),
  ROUTER_RATE_LIMIT_STREAM: int(0, 30),
  ROUTER_RATE_LIMIT_PUBLIC: int(0, 300),
  ROUTER_RATE_LIMIT_UNAUTHENTICATED: int(0, 60),
  /** How long a stream ticket may be redeemed (docs/router.md: 60 s). */
  ROUTER_STREAM_TICKET_TTL_SECONDS: z.coerce.number().int().min(1).max(300).default(60),
});
export type RouterEnv = z.infer<typeof RouterEnv>;
