import { z } from 'zod';
import { BaseEnv, port } from '@cx/config';

export const RouterEnv = BaseEnv.extend({
  ROUTER_PORT: port(3000),
  ROUTER_GROUP_ID: z.string().min(1).default('cx-router'),
  /** JSON/YAML file: API key → { role, tenant, teams, agentId }. */
  ROUTER_API_KEYS_FILE: z.string({ error: 'is required: the path of the API keys file (JSON or YAML)' }).min(1),
  /** Optional routing configuration (severity rules, ladder timeouts, teams) per tenant. */
  ROUTER_CONFIG_FILE: z.string().min(1).optional(),
  ROUTER_STATE_TTL_SECONDS: z.coerce.number().int().min(60).default(30 * 24 * 3600),
});
export type RouterEnv = z.infer<typeof RouterEnv>;
