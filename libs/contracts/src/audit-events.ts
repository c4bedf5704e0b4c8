import { z } from 'zod';
import { Rfc3339, cloudEvent } from './envelope';
import { Actor, Severity } from './escalation-events';
import { FeedbackVerdict } from './feedback';

/**
 * The audit trail of what people did to escalations (docs/contract.md: cx.notifications is the audit
 * topic): one event per acknowledge, resolve, reassign, take-over, note and feedback, naming who
 * did it, so a compliance review or a workforce report needs nothing but the topic. The change
 * itself goes to cx.escalations as usual; this event says who and why, and nothing else.
 */
export const AuditAction = z.enum(['acknowledge', 'resolve', 'reassign', 'take_over', 'note', 'feedback']);
export type AuditAction = z.infer<typeof AuditAction>;

export const AuditRecordedV1 = cloudEvent('cx.audit.recorded.v1', z.object({
  escalationId: z.string().min(1),
  conversationId: z.string().min(1),
  action: AuditAction,
  actor: Actor,
  at: Rfc3339,
  severity: Severity.optional(),
  /** reassign: where it went (and from whom). */
  from: z.object({ kind: z.enum(['agent', 'supervisor', 'team']), id: z.string() }).optional(),
  to: z.object({ kind: z.enum(['agent', 'supervisor', 'team']), id: z.string() }).optional(),
  /** note: its id (the text is on the escalation, masked). */
  noteId: z.string().optional(),
  /** feedback: the verdict. */
  verdict: FeedbackVerdict.optional(),
}));
export type AuditRecorded = z.infer<typeof AuditRecordedV1>;
