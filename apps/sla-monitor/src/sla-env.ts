import { z } from 'zod';
import { BaseEnv, port } from '@cx/config';

export const SlaEnv = BaseEnv.extend({
  SLA_PORT: port(3002),
  SLA_GROUP_ID: z.string().min(1).default('cx-sla-monitor'),
  SLA_POLICIES_FILE: z.string().min(1).optional(),
});
export type SlaEnv = z.infer<typeof SlaEnv>;
