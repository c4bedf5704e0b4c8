import { z } from 'zod';
import { Channel, Rfc3339, cloudEvent } from './envelope';
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

export const CustomerContext = z.object({
  customerId: z.string().optional(),
  tier: z.string().optional(),
  recentInteractions: z.array(ContextInteraction).default([]),
  flags: z.array(z.string()).default([]),
  openPromises: z.array(z.object({ promiseId: z.string(), kind: z.string(), dueAt: Rfc3339, description: z.string().optional() })).default([]),
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
export const EscalationChange = z.enum(['merged', 'rerouted', 'escalated']);
export type EscalationChange = z.infer<typeof EscalationChange>;
export const EscalationUpdatedV1 = cloudEvent('cx.escalation.updated.v1', Escalation.extend({ change: EscalationChange }));

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
