import { z } from 'zod';
import { Rfc3339 } from './envelope';

/**
 * A supervisor's or agent's verdict on an escalation's emotion flag (docs/contract.md, router
 * API `POST /api/escalations/:id/feedback`): `not_negative` (false alarm), `wrong_intent` (the
 * flag was right, the complaint reason was not), `missed` (the detector should have flagged it).
 */
export const FeedbackVerdict = z.enum(['not_negative', 'wrong_intent', 'missed']);
export type FeedbackVerdict = z.infer<typeof FeedbackVerdict>;

/**
 * One label kept for retraining (docs/contract.md (Emotion detection)): the customer's words with personal data already
 * masked, their language and what the verdict says the flag should have been. The router writes
 * them (apps/router RouterKeys.feedbackLabels); `npm run train:emotion -- --feedback --tenant T` reads them.
 */
export const FeedbackLabel = z.object({
  tenant: z.string().min(1),
  escalationId: z.string().min(1),
  conversationId: z.string().min(1),
  messageId: z.string().optional(),
  /** Masked text (maskPersonalData), never the raw message. */
  text: z.string().max(5000),
  language: z.enum(['en', 'de']).nullable(),
  verdict: FeedbackVerdict,
  /** What the emotion flag should have been: false for `not_negative`, true for `missed`, unchanged (true) for `wrong_intent`. */
  negative: z.boolean(),
  by: z.string().min(1),
  at: Rfc3339,
  note: z.string().max(2000).optional(),
});
export type FeedbackLabel = z.infer<typeof FeedbackLabel>;
