import { z } from 'zod';
import { Channel, Rfc3339, cloudEvent } from './envelope';

const Id = z.string().min(1).max(256);
const conversationId = Id;

export const Priority = z.enum(['low', 'normal', 'high', 'urgent']);
export type Priority = z.infer<typeof Priority>;
export const AuthorRole = z.enum(['customer', 'agent', 'bot', 'system']);
export const ConversationStatus = z.enum(['open', 'pending_customer', 'on_hold', 'resolved', 'closed']);
export type ConversationStatus = z.infer<typeof ConversationStatus>;
export const PromiseKind = z.enum(['callback', 'reply', 'resolution', 'delivery', 'other']);

export const Customer = z.object({
  id: Id,
  tier: z.string().max(64).optional(),
  segment: z.string().max(64).optional(),
  language: z.string().min(2).max(35).optional(),
});
export type Customer = z.infer<typeof Customer>;

export const ConversationOpenedV1 = cloudEvent('cx.conversation.opened.v1', z.object({
  conversationId, channel: Channel, customer: Customer,
  priority: Priority.optional(), queue: z.string().max(128).optional(),
  tags: z.array(z.string().max(128)).max(64).optional(),
}));

/** Texts beyond this are rejected at the boundary; the detector truncates far earlier. */
export const MAX_TEXT_CHARS = 100_000;

/**
 * The platform's own sentiment judgement of a message (a speech-analytics or chat engine's): one
 * more cue for the detector, with its own evidence kind, never the flag by itself.
 */
export const PlatformSentiment = z.enum(['positive', 'neutral', 'negative', 'mixed']);
export type PlatformSentiment = z.infer<typeof PlatformSentiment>;

export const MessageV1 = cloudEvent('cx.message.v1', z.object({
  conversationId, channel: Channel, messageId: Id,
  author: z.object({ role: AuthorRole, id: Id.optional() }),
  text: z.string().max(MAX_TEXT_CHARS),
  language: z.string().min(2).max(35).optional(),
  platformSentiment: PlatformSentiment.optional(),
}));

/**
 * Attributes of a conversation that changed (a field left out is unchanged; `tags` replaces the
 * list). SLA policies are matched again on them; `channel` cannot change (docs/contract.md).
 */
export const ConversationUpdatedV1 = cloudEvent('cx.conversation.updated.v1', z.object({
  conversationId, channel: Channel,
  priority: Priority.optional(), queue: z.string().max(128).optional(),
  tags: z.array(z.string().max(128)).max(64).optional(),
  customer: Customer.omit({ id: true }).partial().optional(),
}));

export const ConversationAssignedV1 = cloudEvent('cx.conversation.assigned.v1', z.object({
  conversationId, channel: Channel, agentId: Id, team: z.string().max(128).optional(),
}));

export const ConversationStatusV1 = cloudEvent('cx.conversation.status.v1', z.object({
  conversationId, channel: Channel, status: ConversationStatus,
}));

// Call events are on the call topic by definition; `channel` is accepted but not required.
const callChannel = z.literal('call').optional();
export const CallQueuedV1 = cloudEvent('cx.call.queued.v1', z.object({
  conversationId, channel: callChannel, queue: z.string().max(128).optional(),
}));
export const CallAnsweredV1 = cloudEvent('cx.call.answered.v1', z.object({
  conversationId, channel: callChannel, agentId: Id,
}));
export const CallAbandonedV1 = cloudEvent('cx.call.abandoned.v1', z.object({
  conversationId, channel: callChannel,
}));

export const PromiseMadeV1 = cloudEvent('cx.promise.made.v1', z.object({
  conversationId, channel: Channel.optional(), promiseId: Id, kind: PromiseKind, dueAt: Rfc3339,
  description: z.string().max(2000).optional(),
}));
export const PromiseKeptV1 = cloudEvent('cx.promise.kept.v1', z.object({
  conversationId, channel: Channel.optional(), promiseId: Id,
}));

export const InteractionEvent = z.discriminatedUnion('type', [
  ConversationOpenedV1, MessageV1, ConversationUpdatedV1, ConversationAssignedV1, ConversationStatusV1,
  CallQueuedV1, CallAnsweredV1, CallAbandonedV1, PromiseMadeV1, PromiseKeptV1,
]);
export type InteractionEvent = z.infer<typeof InteractionEvent>;
export type InteractionType = InteractionEvent['type'];
export type EventOf<T extends InteractionType> = Extract<InteractionEvent, { type: T }>;
export type ConversationOpened = EventOf<'cx.conversation.opened.v1'>;
export type Message = EventOf<'cx.message.v1'>;
export type ConversationUpdated = EventOf<'cx.conversation.updated.v1'>;
export type ConversationStatusEvent = EventOf<'cx.conversation.status.v1'>;
