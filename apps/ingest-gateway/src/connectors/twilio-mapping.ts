// Twilio events → contract event drafts, one function per product, fed with the same flat parameter record
// whether it came form-encoded (Conversations webhooks, Voice status callbacks) or as the data of
// an Event Streams CloudEvent. Ids derive from Twilio's SIDs and what happened, so a webhook and
// an Event Streams copy of the same event, or a retry of either, dedupe to one event downstream.
import type { EventDraft, MapContext, RecordOutcome } from '../ingest-types';
import { drafts, events, ignored, unmappable } from './connector';
import { field, firstInstant, obj, str, type Json } from './payload-fields';

/** Event Streams type → the Conversations webhook EventType it mirrors. */
export const CONVERSATION_STREAM_TYPES: Record<string, string> = {
  'com.twilio.conversations.message.added': 'onMessageAdded',
  'com.twilio.conversations.conversation.added': 'onConversationAdded',
  'com.twilio.conversations.conversation-state.updated': 'onConversationStateUpdated',
  'com.twilio.conversations.participant.added': 'onParticipantAdded',
};

const STATES: Record<string, 'open' | 'on_hold' | 'closed'> = { active: 'open', inactive: 'on_hold', closed: 'closed' };
/** Sources of messages written by a customer's own channel rather than an app (SDK/API). */
const APP_SOURCES = new Set(['sdk', 'api']);

const bindingAddress = (p: Json) => str(p, 'MessagingBinding.Address') ?? str(obj(p, 'MessagingBinding'), 'Address');
/** Phone numbers and channel addresses (whatsapp:+49…, messenger:…, e-mail) identify a customer. */
const isAddress = (a: string) => /^\+?\d[\d\s()-]{5,}$/.test(a) || /^[a-z][a-z0-9+.-]*:/i.test(a) || a.includes('@');

function messageAdded(p: Json, conversationId: string, ctx: MapContext): RecordOutcome {
  const messageSid = str(p, 'MessageSid', 'Sid');
  if (!messageSid) return unmappable('onMessageAdded without MessageSid');
  const author = str(p, 'Author') ?? 'system';
  const source = (str(p, 'Source') ?? '').toLowerCase();
  const role = author.toLowerCase() === 'system' ? 'system'
    : (source && !APP_SOURCES.has(source)) || isAddress(author) ? 'customer' : 'agent';
  const base = { id: messageSid, conversationId, channel: 'chat' as const, time: firstInstant(ctx.receivedAt, field(p, 'DateCreated')) };
  return events(drafts.message(base, {
    messageId: `twilio:${messageSid}`, role, text: str(p, 'Body', 'MessageBody') ?? '',
    authorId: role === 'customer' ? `twilio:${ctx.pseudonym(author)}` : role === 'agent' ? `twilio:agent:${author}` : undefined,
  }));
}

function conversationAdded(p: Json, conversationId: string, sid: string, ctx: MapContext): RecordOutcome {
  const address = bindingAddress(p);
  const base = { id: `${sid}:opened`, conversationId, channel: 'chat' as const, time: firstInstant(ctx.receivedAt, field(p, 'DateCreated')) };
  return events(drafts.opened(base, { customerId: address ? `twilio:${ctx.pseudonym(address)}` : conversationId }));
}

function stateUpdated(p: Json, conversationId: string, sid: string, ctx: MapContext): RecordOutcome {
  const to = (str(p, 'StateTo', 'State') ?? '').toLowerCase();
  const status = STATES[to];
  if (!status) return unmappable(`unknown conversation state ${JSON.stringify(to || null)}`);
  const time = firstInstant(ctx.receivedAt, field(p, 'DateUpdated'), field(p, 'StateUpdated'));
  return events(drafts.status({ id: `${sid}:state:${to}:${time}`, conversationId, channel: 'chat', time }, status));
}

function participantAdded(p: Json, conversationId: string, ctx: MapContext): RecordOutcome {
  const identity = str(p, 'Identity');
  const participant = str(p, 'ParticipantSid');
  // A participant with a messaging binding is the customer's phone or app, not an agent.
  if (!identity || bindingAddress(p) || !participant) return ignored('participant is not an agent identity');
  const base = { id: `${participant}:assigned`, conversationId, channel: 'chat' as const, time: firstInstant(ctx.receivedAt, field(p, 'DateCreated')) };
  return events(drafts.assigned(base, `twilio:agent:${identity}`));
}

export function mapConversationEvent(eventType: string, p: Json, ctx: MapContext): RecordOutcome {
  const sid = str(p, 'ConversationSid');
  if (!sid) return unmappable(`${eventType} without ConversationSid`);
  const conversationId = `twilio:${sid}`;
  switch (eventType) {
    case 'onMessageAdded': return messageAdded(p, conversationId, ctx);
    case 'onConversationAdded': return conversationAdded(p, conversationId, sid, ctx);
    case 'onConversationStateUpdated': return stateUpdated(p, conversationId, sid, ctx);
    case 'onParticipantAdded': return participantAdded(p, conversationId, ctx);
    default: return ignored(`Conversations event ${eventType} is not mapped`);
  }
}

/** Event Streams voice status types name the progress event, not the CallStatus. */
const STREAM_CALL_EVENTS: Record<string, string> = { initiated: 'initiated', ringing: 'ringing', answered: 'in-progress', completed: 'completed' };
export function callStatusOfStreamType(type: string): string | undefined {
  const m = /^com\.twilio\.voice\.(?:webhook\.)?status-callback\.call\.([a-z-]+)$/.exec(type);
  return m ? STREAM_CALL_EVENTS[m[1]] ?? m[1] : undefined;
}

const QUEUED = new Set(['queued', 'initiated', 'ringing']);
const ABANDONED = new Set(['no-answer', 'busy', 'canceled', 'failed']);

/**
 * A Voice status callback. Every callback (re)states the opening with the caller, under one id per
 * call, so whichever arrives first opens the conversation with its customer; then the call's step.
 */
export function mapCallStatus(statusIn: string, p: Json, ctx: MapContext): RecordOutcome {
  const callSid = str(p, 'CallSid', 'Sid');
  if (!callSid) return unmappable('Voice status callback without CallSid');
  const status = statusIn.toLowerCase();
  const conversationId = `twilio:${callSid}`;
  const time = firstInstant(ctx.receivedAt, field(p, 'Timestamp'), field(p, 'DateUpdated'), field(p, 'DateCreated'));
  const base = (kind: string) => ({ id: `${callSid}:${kind}`, conversationId, channel: 'call' as const, time });
  const outbound = (str(p, 'Direction') ?? '').toLowerCase().startsWith('outbound');
  const caller = outbound ? str(p, 'To', 'Called') : str(p, 'From', 'Caller');
  const opened = drafts.opened(base('opened'), { customerId: caller ? `twilio:${ctx.pseudonym(caller)}` : conversationId });
  const out: EventDraft[] = [];
  if (QUEUED.has(status)) out.push(drafts.callQueued(base('queued'), str(p, 'QueueSid', 'QueueName')));
  else if (status === 'in-progress' || status === 'answered') {
    const to = str(p, 'To', 'Called') ?? '';
    const agent = to.startsWith('client:') ? `twilio:agent:${to.slice(7)}` : to ? `twilio:${ctx.pseudonym(to)}` : `twilio:${callSid}:agent`;
    out.push(drafts.callAnswered(base('answered'), agent));
  } else if (status === 'completed') out.push(drafts.status(base('ended'), 'closed'));
  else if (ABANDONED.has(status)) out.push(drafts.callAbandoned(base('abandoned')), drafts.status(base('ended'), 'closed'));
  else return ignored(`call status ${status} is not mapped`);
  return events(opened, ...out);
}
