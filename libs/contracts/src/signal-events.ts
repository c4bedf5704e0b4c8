import { z } from 'zod';
import { Channel, Rfc3339, cloudEvent } from './envelope';

/** One cue that made the detector decide; `text` is the matched span with personal data masked. */
export const Evidence = z.object({
  cue: z.string().max(128),
  kind: z.string().max(64),
  text: z.string().max(500),
  start: z.number().int().nonnegative().optional(),
  end: z.number().int().nonnegative().optional(),
});
export type Evidence = z.infer<typeof Evidence>;

/** Complaint intents raise severity (docs/contract.md (Personal data), principle 4). */
export const ComplaintIntent = z.enum([
  'unclear_bill', 'provisioning', 'hotline_wait', 'outage', 'cancellation_threat', 'legal_threat', 'refund',
]);
export type ComplaintIntent = z.infer<typeof ComplaintIntent>;

const base = {
  conversationId: z.string().min(1),
  channel: Channel.optional(),
  customerId: z.string().optional(),
};

export const EmotionSignalV1 = cloudEvent('cx.signal.emotion.v1', z.object({
  ...base,
  messageId: z.string().min(1),
  negative: z.boolean(),
  language: z.string().nullable(),
  evidence: z.array(Evidence),
  intents: z.array(ComplaintIntent),
  /** Consecutive negative customer messages in this conversation, including this one. */
  streak: z.number().int().nonnegative(),
}));

export const CustomerAtRiskV1 = cloudEvent('cx.signal.customer_at_risk.v1', z.object({
  ...base,
  customerId: z.string().min(1),
  score: z.number(),
  threshold: z.number(),
  channels: z.array(Channel),
}));

export const EndedNegativeV1 = cloudEvent('cx.signal.ended_negative.v1', z.object({
  ...base,
  status: z.enum(['resolved', 'closed']),
  negativeTail: z.number().int().positive(),
  lastNegativeAt: Rfc3339,
  evidence: z.array(Evidence),
}));

export const SignalEvent = z.discriminatedUnion('type', [EmotionSignalV1, CustomerAtRiskV1, EndedNegativeV1]);
export type SignalEvent = z.infer<typeof SignalEvent>;
export type EmotionSignal = z.infer<typeof EmotionSignalV1>;
