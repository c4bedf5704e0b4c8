import { z } from 'zod';
import { Channel, Rfc3339, cloudEvent } from './envelope';
import { Priority } from './interaction-events';
import { ComplaintIntent, Evidence } from './signal-events';

export const Severity = z.enum(['low', 'medium', 'high', 'critical']);
export type Severity = z.infer<typeof Severity>;

export const ReasonCode = z.enum([
  'negative_emotion', 'negative_streak', 'ended_negative', 'customer_at_risk', 'complaint_intent',
  'sla_warning', 'sla_breached',
]);
export type ReasonCode = z.infer<typeof ReasonCode>;

export const Reason = z.object({
  code: ReasonCode,
  detail: z.string().max(1000),
  at: Rfc3339,
  /** The event that caused it: one reason per cause, deduplicated by this id. */
  causeId: z.string().min(1),
  evidence: z.array(Evidence).default([]),
  sla: z.object({
    policyId: z.string().nullable(), metric: z.string(), dueAt: Rfc3339, threshold: z.number(),
  }).optional(),
});
export type Reason = z.infer<typeof Reason>;

export const RoutingTarget = z.object({
  team: z.string().optional(),
  language: z.string().optional(),
  skills: z.array(z.string()).default([]),
});

export const ContextInteraction = z.object({
  conversationId: z.string(),
  channel: Channel.optional(),
  at: Rfc3339,
  summary: z.string().max(500),
  negative: z.boolean().optional(),
});

/**
 * One of the customer's own last messages in the conversation (principle 6: the next person reads
 * the customer's words instead of asking again). `text` has personal data masked
 * (maskPersonalData) by the detector that sends it; `negative` is the detector's flag on it.
 */
export const CustomerMessage = z.object({
  messageId: z.string().min(1).max(256),
  at: Rfc3339,
  text: z.string().max(1000),
  language: z.string().max(16).nullable().optional(),
  negative: z.boolean().optional(),
});
export type CustomerMessage = z.infer<typeof CustomerMessage>;

export const CustomerContext = z.object({
  customerId: z.string().optional(),
  tier: z.string().optional(),
  /** The conversation's priority and queue as last known (cx.conversation.updated.v1 changes them). */
  priority: Priority.optional(),
  queue: z.string().max(128).optional(),
  recentInteractions: z.array(ContextInteraction).default([]),
  flags: z.array(z.string()).default([]),
  openPromises: z.array(z.object({ promiseId: z.string(), kind: z.string(), dueAt: Rfc3339, description: z.string().optional() })).default([]),
  /** The customer's last messages in this conversation, oldest first (optional: older detectors send none). */
  lastMessages: z.array(CustomerMessage).max(20).optional(),
});

export const EscalationRequestedV1 = cloudEvent('cx.escalation.requested.v1', z.object({
  conversationId: z.string().min(1),
  channel: Channel.optional(),
  detector: z.enum(['emotion-detector', 'sla-monitor']),
  reasons: z.array(Reason).min(1),
  intents: z.array(ComplaintIntent).default([]),
  customer: z.object({ id: z.string().optional(), tier: z.string().optional(), language: z.string().optional() }).default({}),
  target: RoutingTarget.partial().optional(),
  context: CustomerContext.partial().optional(),
}));

export const EscalationStatus = z.enum(['open', 'acknowledged', 'resolved']);

/** Who did something to an escalation: the principal's agent id (or its role when it has none) and role. */
export const Actor = z.object({ id: z.string().min(1).max(256), role: z.enum(['agent', 'supervisor', 'admin']) });
export type Actor = z.infer<typeof Actor>;

/** A note a person added to an escalation (personal data masked before it is stored or sent). */
export const EscalationNote = z.object({
  noteId: z.string().min(1).max(64),
  by: Actor,
  at: Rfc3339,
  text: z.string().min(1).max(2000),
});
export type EscalationNote = z.infer<typeof EscalationNote>;

/** A verdict given on the escalation's flag (router API feedback; the label itself is kept apart, see FeedbackLabel). */
export const EscalationFeedback = z.object({
  verdict: z.enum(['not_negative', 'wrong_intent', 'missed']),
  by: Actor,
  at: Rfc3339,
  note: z.string().max(2000).optional(),
});
export type EscalationFeedback = z.infer<typeof EscalationFeedback>;

/**
 * The escalation ladder as the current holder sees it (computed by the router when it shows an
 * escalation, never stored): by when they must acknowledge it, and who gets it then.
 */
export const LadderOutlook = z.object({
  ackDueAt: Rfc3339,
  next: z.enum(['agent', 'supervisor', 'team']),
});
export type LadderOutlook = z.infer<typeof LadderOutlook>;

export const Escalation = z.object({
  escalationId: z.string().min(1),
  conversationId: z.string().min(1),
  channel: Channel.optional(),
  status: EscalationStatus,
  severity: Severity,
  reasons: z.array(Reason),
  intents: z.array(ComplaintIntent).default([]),
  suggestedActions: z.array(z.string()),
  target: RoutingTarget,
  assignee: z.object({ kind: z.enum(['agent', 'supervisor', 'team']), id: z.string() }).optional(),
  ladderStep: z.number().int().nonnegative().default(0),
  context: CustomerContext,
  createdAt: Rfc3339,
  updatedAt: Rfc3339,
  acknowledgedBy: z.string().optional(),
  resolvedBy: z.string().optional(),
  /** When it was first acknowledged (kept when it is reassigned later: time to acknowledge counts the first). */
  acknowledgedAt: Rfc3339.optional(),
  resolvedAt: Rfc3339.optional(),
  /** Stable ids of `suggestedActions`, in the same order (for dashboards that translate them). */
  suggestedActionIds: z.array(z.string()).optional(),
  notes: z.array(EscalationNote).max(100).optional(),
  feedback: z.array(EscalationFeedback).max(100).optional(),
  /** The current ladder step's deadline (API and live stream only, see LadderOutlook). */
  ladder: LadderOutlook.optional(),
});
export type Escalation = z.infer<typeof Escalation>;

export const EscalationRaisedV1 = cloudEvent('cx.escalation.raised.v1', Escalation);
export const EscalationAcknowledgedV1 = cloudEvent('cx.escalation.acknowledged.v1', Escalation);
export const EscalationResolvedV1 = cloudEvent('cx.escalation.resolved.v1', Escalation);
/**
 * Every other change of an open escalation, published by the router so integrators see the same
 * history as the dashboards: `merged` (a new reason code, intent or a higher severity arrived),
 * `rerouted` (a raised severity moved it to a supervisor at once), `escalated` (an
 * acknowledgement timed out and the ladder moved it on). The escalation as it is after the change.
 */
export const EscalationChange = z.enum(['merged', 'rerouted', 'escalated', 'reassigned', 'taken_over', 'noted', 'feedback']);
export type EscalationChange = z.infer<typeof EscalationChange>;
/**
 * People's changes through the console: `reassigned` (to another agent or team), `taken_over`
 * (a supervisor took it and acknowledged it), `noted` (a note was added), `feedback` (a verdict on
 * the flag). These name who did it in `actor` (and in the audit event on cx.notifications).
 */
export const EscalationUpdatedV1 = cloudEvent('cx.escalation.updated.v1', Escalation.extend({ change: EscalationChange, actor: Actor.optional() }));

export const EscalationEvent = z.discriminatedUnion('type', [
  EscalationRequestedV1, EscalationRaisedV1, EscalationUpdatedV1, EscalationAcknowledgedV1, EscalationResolvedV1,
]);
export type EscalationEvent = z.infer<typeof EscalationEvent>;
export type EscalationRequested = z.infer<typeof EscalationRequestedV1>;

export const NotificationSentV1 = cloudEvent('cx.notification.sent.v1', z.object({
  escalationId: z.string(),
  conversationId: z.string(),
  channel: z.enum(['sse', 'webhook']),
  recipient: z.string(),
  step: z.number().int().nonnegative(),
  outcome: z.enum(['delivered', 'failed', 'dead_lettered']),
  attempts: z.number().int().positive().default(1),
}));

export const AgentRole = z.enum(['agent', 'supervisor', 'admin']);
export const AgentStatus = z.enum(['available', 'busy', 'offline']);
export const Agent = z.object({
  agentId: z.string().min(1).max(256),
  name: z.string().min(1).max(256),
  teams: z.array(z.string()).default([]),
  languages: z.array(z.string()).default([]),
  skills: z.array(z.string()).default([]),
  role: AgentRole,
  status: AgentStatus,
  maxConcurrent: z.number().int().positive().max(100).default(3),
});
export type Agent = z.infer<typeof Agent>;
export const AgentUpdatedV1 = cloudEvent('cx.agent.updated.v1', Agent);
