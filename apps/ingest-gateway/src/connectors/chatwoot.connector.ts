// Chatwoot webhooks (account or API-inbox webhooks; payload shapes from chatwoot/chatwoot
// app/listeners/webhook_listener.rb, Message#webhook_data, Conversations::EventDataPresenter and
// the webhook-events page of chatwoot/docs). The delivery id (X-Chatwoot-Delivery) is the event
// id; without one, the ids derive from the payload so a retry still dedupes.
import type { Channel } from '@cx/contracts';
import type { EventDraft, IngestRequest, MapContext, RecordOutcome } from '../ingest-types';
import { verifyChatwoot } from '../signatures/hmac-signatures';
import { derivedIds, drafts, events, ignored, jsonRecords, languageOf, unmappable, type Connector } from './connector';
import { field, firstInstant, isObject, list, obj, path, priorityOf, str, tagList, text, type Json } from './payload-fields';

const STATUS: Record<string, 'open' | 'resolved' | 'on_hold'> = {
  open: 'open', pending: 'open', resolved: 'resolved', snoozed: 'on_hold',
  // Numeric enum values of older push payloads.
  '0': 'open', '1': 'resolved', '2': 'open', '3': 'on_hold',
};
const MESSAGE_TYPES = ['incoming', 'outgoing', 'activity', 'template'];

/** The conversation object of a payload: the payload itself for conversation_* events. */
const conversationOf = (p: Json, event: string): Json => (event.startsWith('conversation_') ? p : obj(p, 'conversation') ?? {});

function accountId(p: Json, conv: Json): string | undefined {
  return str(obj(p, 'account'), 'id') ?? str(p, 'account_id') ?? str(conv, 'account_id')
    ?? str(list(field(conv, 'messages')).find(isObject), 'account_id') ?? str(path(conv, 'meta', 'sender', 'account'), 'id');
}

function channelOf(conv: Json): Channel {
  const c = (str(conv, 'channel') ?? str(path(conv, 'inbox'), 'channel_type') ?? '').toLowerCase();
  if (c.includes('email')) return 'email';
  if (c.includes('voice') || c.includes('call')) return 'call';
  return 'chat';
}

interface Ctx { account: string; conversationId: string; channel: Channel; baseId: string; time: string }

function messageCreated(p: Json, c: Ctx): RecordOutcome {
  if (p.private === true || p.private === 'true') return ignored('private note');
  const rawType = text(field(p, 'message_type'));
  const type = rawType && /^\d$/.test(rawType) ? MESSAGE_TYPES[Number(rawType)] : rawType;
  if (type === 'activity') return ignored('activity message');
  const messageId = str(p, 'id');
  if (!messageId) return unmappable('message_created without the message id');
  const sender = obj(p, 'sender') ?? {};
  const senderType = (str(sender, 'type') ?? '').toLowerCase();
  const senderId = str(sender, 'id');
  let role: 'customer' | 'agent' | 'bot';
  if (type === 'incoming') role = 'customer';
  else if (type === 'template' || senderType.includes('bot') || senderType.includes('captain')) role = 'bot';
  else if (type === 'outgoing') role = 'agent';
  else return unmappable(`unknown message_type ${JSON.stringify(rawType ?? null)}`);
  const prefix = role === 'customer' ? 'contact' : role;
  const id = c.baseId;
  return events(drafts.message({ ...c, id }, {
    messageId: `chatwoot:${c.account}:message:${messageId}`, role, text: str(p, 'content') ?? '',
    authorId: senderId ? `chatwoot:${c.account}:${prefix}:${senderId}` : undefined,
  }));
}

function conversationCreated(p: Json, c: Ctx): RecordOutcome {
  const contactId = str(path(p, 'meta', 'sender'), 'id') ?? str(path(p, 'contact_inbox'), 'contact_id');
  if (!contactId) return unmappable('conversation_created without the contact (meta.sender.id)');
  const assignee = str(path(p, 'meta', 'assignee'), 'id');
  const team = str(path(p, 'meta', 'team'), 'name');
  const status = STATUS[(str(p, 'status') ?? '').toLowerCase()];
  const kinds = ['opened', ...(assignee ? ['assigned'] : []), ...(status && status !== 'open' ? ['status'] : [])];
  const ids = derivedIds(c.baseId, kinds);
  const out: EventDraft[] = [drafts.opened({ ...c, id: ids[0] }, {
    customerId: `chatwoot:${c.account}:contact:${contactId}`, priority: priorityOf(field(p, 'priority')), queue: team,
    tags: tagList(field(p, 'labels')), language: languageOf(path(p, 'additional_attributes', 'browser_language')),
  })];
  if (assignee) out.push(drafts.assigned({ ...c, id: ids[kinds.indexOf('assigned')] }, `chatwoot:${c.account}:agent:${assignee}`, team));
  if (status && status !== 'open') out.push(drafts.status({ ...c, id: ids[kinds.indexOf('status')] }, status));
  return events(...out);
}

function statusChanged(p: Json, c: Ctx): RecordOutcome {
  const raw = str(p, 'status') ?? text(path(changed(p).get('status'), 'current_value'));
  const status = raw ? STATUS[raw.toLowerCase()] : undefined;
  if (!status) return unmappable(`unknown conversation status ${JSON.stringify(raw ?? null)}`);
  return events(drafts.status({ ...c, id: c.baseId }, status));
}

/** changed_attributes: [{ name: { previous_value, current_value } }, …] (or one object of them). */
function changed(p: Json): Map<string, Json> {
  const out = new Map<string, Json>();
  const raw = field(p, 'changed_attributes');
  const items = Array.isArray(raw) ? raw : isObject(raw) ? [raw] : [];
  for (const item of items) {
    if (!isObject(item)) continue;
    for (const [k, v] of Object.entries(item)) if (isObject(v)) out.set(k, v);
  }
  return out;
}

function conversationUpdated(p: Json, c: Ctx): RecordOutcome {
  const ch = changed(p);
  const kinds: string[] = [];
  const build: ((id: string) => EventDraft)[] = [];
  const team = str(path(p, 'meta', 'team'), 'name');
  if (ch.has('assignee_id')) {
    const agent = text(ch.get('assignee_id')!.current_value) ?? str(path(p, 'meta', 'assignee'), 'id');
    if (agent && text(ch.get('assignee_id')!.current_value) !== undefined) {
      kinds.push('assigned');
      build.push((id) => drafts.assigned({ ...c, id }, `chatwoot:${c.account}:agent:${agent}`, team));
    }
  }
  const update: { priority?: string; queue?: string; tags?: string[] } = {};
  if (ch.has('priority')) update.priority = priorityOf(ch.get('priority')!.current_value) ?? priorityOf(field(p, 'priority'));
  if (ch.has('team_id') && team) update.queue = team;
  const labels = ch.get('label_list') ?? ch.get('cached_label_list') ?? ch.get('labels');
  if (labels) update.tags = tagList(labels.current_value) ?? tagList(field(p, 'labels')) ?? [];
  if (Object.values(update).some((v) => v !== undefined)) {
    kinds.push('updated');
    build.push((id) => drafts.updated({ ...c, id }, update));
  }
  if (!build.length) return ignored(`no mapped attribute changed (${[...ch.keys()].join(', ') || 'none listed'})`);
  const ids = derivedIds(c.baseId, kinds);
  return events(...build.map((b, i) => b(ids[i])));
}

const HANDLERS: Record<string, (p: Json, c: Ctx) => RecordOutcome> = {
  message_created: messageCreated,
  conversation_created: conversationCreated,
  conversation_status_changed: statusChanged,
  conversation_updated: conversationUpdated,
};

function mapRecord(p: unknown, req: IngestRequest, ctx: MapContext): RecordOutcome {
  if (!isObject(p)) return unmappable('record is not a JSON object');
  const event = str(p, 'event');
  if (!event) return unmappable('no "event" field');
  const handler = HANDLERS[event];
  if (!handler) return ignored(`event ${event} is not mapped`);
  const conv = conversationOf(p, event);
  const account = accountId(p, conv);
  const display = str(conv, 'display_id') ?? str(conv, 'id') ?? str(p, 'conversation_id');
  if (!account) return unmappable(`${event} without the account id (account.id / account_id)`);
  if (!display) return unmappable(`${event} without the conversation's display id`);
  const delivery = req.headers['x-chatwoot-delivery'];
  const objectId = event === 'message_created' ? str(p, 'id') : display;
  const baseId = delivery ? delivery.slice(0, 200) : `chatwoot:${account}:${event}:${objectId}:${str(p, 'updated_at') ?? str(p, 'created_at') ?? ''}`;
  // The message's or conversation's own creation time for *_created, the update time otherwise.
  const time = event.endsWith('_created')
    ? firstInstant(ctx.receivedAt, field(p, 'created_at'), field(p, 'timestamp'))
    : firstInstant(ctx.receivedAt, field(p, 'updated_at'), field(conv, 'updated_at'), field(p, 'timestamp'));
  return handler(p, { account, conversationId: `chatwoot:${account}:${display}`, channel: channelOf(conv), baseId, time });
}

export const chatwootConnector: Connector<'chatwoot'> = {
  name: 'chatwoot',
  authenticate: (req, cfg, now) => verifyChatwoot(req.headers, req.body, cfg, now),
  map: (req, ctx) => jsonRecords(req.body).map((r) => mapRecord(r, req, ctx)),
};
