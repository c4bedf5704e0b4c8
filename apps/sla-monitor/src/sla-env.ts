import { z } from 'zod';
import { BaseEnv, port } from '@cx/config';

const ms = (fallback: number, min = 1) => z.coerce.number().int().min(min).default(fallback);

export const SlaEnv = BaseEnv.extend({
  SLA_PORT: port(3002),
  SLA_GROUP_ID: z.string().min(1).default('cx-sla-monitor'),
  /** Unset: deploy/sla/policies.example.yaml, with a warning in the log (docs/sla.md). */
  SLA_POLICIES_FILE: z.string().min(1).optional(),
  /** How often an idle scheduler looks for due timers; a busy one loops without waiting. */
  SLA_TICK_MS: ms(50),
  /** Timers claimed per shard per round. */
  SLA_CLAIM_BATCH: ms(500),
  /** A claimed timer whose claimer died is re-claimed after this long. */
  SLA_LEASE_MS: ms(5_000, 100),
  /** Fire this long after the due instant, for producers known to lag (`at` stays exact). */
  SLA_FIRE_GRACE_MS: ms(0, 0),
  SLA_STATE_TTL_SECONDS: ms(30 * 24 * 3600, 60),
  /** A closed conversation's tombstone (drops later events) lives at least as long as the dedupe ledger. */
  SLA_CLOSED_TTL_SECONDS: ms(8 * 24 * 3600, 60),
  /** Which SLA firings also request an escalation: breaches only (default) or warnings too. */
  SLA_ESCALATE_ON: z.enum(['breach', 'warning']).default('breach'),
});
export type SlaEnv = z.infer<typeof SlaEnv>;
