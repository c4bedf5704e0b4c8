import { z } from 'zod';
import { Channel, Rfc3339, cloudEvent } from './envelope';
import { ComplaintIntent, Evidence } from './signal-events';

/**
 * Internal to emotion-detector (not for integrators): one customer's contribution to their
 * cross-conversation score, re-keyed by customer id so that exactly one instance owns each
 * customer's score. `subject` and the Kafka key are the customer id.
 */
export const CustomerContributionV1 = cloudEvent('cx.emotion.customer_contribution.v1', z.object({
  customerId: z.string().min(1),
  fromConversationId: z.string().min(1),
  channel: Channel.optional(),
  at: Rfc3339,
  negative: z.boolean(),
  endedNegative: z.boolean().default(false),
  intents: z.array(ComplaintIntent).default([]),
  evidence: z.array(Evidence).default([]),
}));
export type CustomerContribution = z.infer<typeof CustomerContributionV1>;

