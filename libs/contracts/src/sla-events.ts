import { z } from 'zod';
import { Channel, Rfc3339, cloudEvent } from './envelope';

export const SlaMetric = z.enum(['firstResponse', 'nextResponse', 'resolution', 'queueWait', 'promise']);
export type SlaMetric = z.infer<typeof SlaMetric>;

export const Period = z.object({ from: Rfc3339, to: Rfc3339 });

const slaData = z.object({
  conversationId: z.string().min(1),
  channel: Channel.optional(),
  /** The policy in force; null for a promise that no policy matches (it has no warnings). */
  policyId: z.string().min(1).nullable(),
  metric: SlaMetric,
  /** The instant the target is (or was) due, UTC. */
  dueAt: Rfc3339,
  /** The instant the threshold was crossed, UTC, to the millisecond. */
  at: Rfc3339,
  /** Fraction of the target this event marks: 1 for a breach, a `warnAt` entry for a warning. */
  threshold: z.number().positive(),
  targetMs: z.number().int().nonnegative(),
  startedAt: Rfc3339,
  promiseId: z.string().optional(),
  pausedPeriods: z.array(Period).default([]),
  outOfHoursPeriods: z.array(Period).default([]),
});

export const SlaWarningV1 = cloudEvent('cx.sla.warning.v1', slaData);
export const SlaBreachedV1 = cloudEvent('cx.sla.breached.v1', slaData);
export const SlaEvent = z.discriminatedUnion('type', [SlaWarningV1, SlaBreachedV1]);
export type SlaEvent = z.infer<typeof SlaEvent>;
