// Zendesk webhooks subscribed to ticket events (zen:event-type:ticket.*; payload schema from
// developer.zendesk.com "Webhook event types" → Ticket events: type, id, time, subject
// "zen:ticket:<id>", detail = the ticket, event = what changed). The event's own id is the
// CloudEvent id. Zendesk spells enum values in upper case ("OPEN", "HIGH"); any case is read.
import type { Channel } from '@cx/contracts';
import type { IngestRequest, MapContext, RecordOutcome } from '../ingest-types';
import { verifyZendesk } from '../signatures/hmac-signatures';
import { derivedIds, drafts, events, ignored, jsonRecords, unmappable, type Connector } from './connector';
import { bool, field, firstInstant, isObject, obj, path, priorityOf, str, tagList, text, type Json } from './payload-fields';

const PREFIX = 'zen:event-type:ticket.';
const STATUS: Record<string, 'open' | 'pending_customer' | 'on_hold' | 'resolved' | 'closed'> = {
  new: 'open', open: 'open', pending: 'pending_customer', hold: 'on_hold', solved: 'resolved', closed: 'closed',
  deleted: 'closed', archived: 'closed', scrubbed: 'closed',
};

/** via.channel of the ticket → our channel; tickets are e-mail-like unless they came by chat or phone. */
function channelOf(detail: Json): Channel {
  const c = (str(path(detail, 'via'), 'channel') ?? str(detail, 'via_channel') ?? '').toLowerCase();
  if (/voice|phone|call|voicemail/.test(c)) return 'call';
  if (/chat|messag|whatsapp|sms|text_message|widget|mobile_sdk|sunshine|facebook|instagram|twitter|telegram|line|viber|wechat|kakao|slack|apple_business|google_/.test(c)) return 'chat';
  return 'email';
}

/** event.current may be a scalar or an object carrying the value ({ id } or { status }). */
function current(event: Json | undefined, key?: string): string | undefined {
  const v = field(event, 'current');
  if (isObject(v)) return str(v, ...(key ? [key] : []), 'id', 'value', 'name');
  return text(v);
}

interface Ctx { conversationId: string; channel: Channel; id: string; time: string; detail: Json; event: Json | undefined }

function created(c: Ctx): RecordOutcome {
  const requester = str(c.detail, 'requester_id') ?? str(path(c.detail, 'requester'), 'id');
  if (!requester) return unmappable('ticket.created without detail.requester_id');
  const assignee = text(field(c.detail, 'assignee_id'));
  const status = STATUS[(str(c.detail, 'status') ?? current(c.event, 'status') ?? '').toLowerCase()];
  const kinds = ['opened', ...(assignee && assignee !== '0' ? ['assigned'] : []), ...(status && status !== 'open' ? ['status'] : [])];
  const ids = derivedIds(c.id, kinds);
  const out = [drafts.opened({ ...c, id: ids[0] }, {
    customerId: `zendesk:user:${requester}`, priority: priorityOf(field(c.detail, 'priority')), tags: tagList(field(c.detail, 'tags')),
    queue: str(c.detail, 'group_id'),
  })];
  if (kinds.includes('assigned')) out.push(drafts.assigned({ ...c, id: ids[kinds.indexOf('assigned')] }, `zendesk:agent:${assignee}`, str(c.detail, 'group_id')));
  if (kinds.includes('status')) out.push(drafts.status({ ...c, id: ids[kinds.indexOf('status')] }, status!));
  return events(...out);
}

function commentAdded(c: Ctx): RecordOutcome {
  const comment = obj(c.event, 'comment');
  if (!comment) return unmappable('ticket.comment_added without event.comment');
  if (bool(field(comment, 'is_public', 'public')) === false) return ignored('private comment (internal note)');
  const commentId = str(comment, 'id');
  if (!commentId) return unmappable('comment without an id');
  const author = obj(comment, 'author') ?? {};
  const authorId = str(author, 'id') ?? str(comment, 'author_id');
  const staff = bool(field(author, 'is_staff'));
  const requester = str(c.detail, 'requester_id');
  const role = staff === true ? 'agent' : staff === false || (authorId !== undefined && authorId === requester) ? 'customer' : 'agent';
  return events(drafts.message(c, {
    messageId: `zendesk:comment:${commentId}`, role, text: str(comment, 'body', 'plain_body', 'html_body') ?? '',
    authorId: authorId ? (role === 'customer' ? `zendesk:user:${authorId}` : `zendesk:agent:${authorId}`) : undefined,
  }));
}

function statusChanged(c: Ctx): RecordOutcome {
  const raw = current(c.event, 'status') ?? str(c.detail, 'status');
  const status = raw ? STATUS[raw.toLowerCase()] : undefined;
  return status ? events(drafts.status(c, status)) : unmappable(`unknown ticket status ${JSON.stringify(raw ?? null)}`);
}

function priorityChanged(c: Ctx): RecordOutcome {
  const raw = current(c.event, 'priority') ?? str(c.detail, 'priority');
  if (raw === undefined) return ignored('priority removed (no contract value for "none")');
  const priority = priorityOf(raw);
  return priority ? events(drafts.updated(c, { priority })) : unmappable(`unknown priority ${JSON.stringify(raw)}`);
}

function tagsChanged(c: Ctx): RecordOutcome {
  // The contract's `tags` replaces the list: the ticket's tags after the change.
  const tags = tagList(field(c.detail, 'tags'));
  return tags ? events(drafts.updated(c, { tags })) : unmappable('ticket.tags_changed without detail.tags: the full tag list is unknown');
}

function agentAssignment(c: Ctx): RecordOutcome {
  const agent = current(c.event, 'id') ?? text(field(c.detail, 'assignee_id'));
  if (!agent || agent === '0') return ignored('ticket unassigned');
  return events(drafts.assigned(c, `zendesk:agent:${agent}`, str(c.detail, 'group_id')));
}

function groupAssignment(c: Ctx): RecordOutcome {
  const group = current(c.event, 'id') ?? str(c.detail, 'group_id');
  return group && group !== '0' ? events(drafts.updated(c, { queue: group })) : ignored('ticket removed from its group');
}

const HANDLERS: Record<string, (c: Ctx) => RecordOutcome> = {
  created, comment_added: commentAdded, status_changed: statusChanged, priority_changed: priorityChanged,
  tags_changed: tagsChanged, agent_assignment_changed: agentAssignment, group_assignment_changed: groupAssignment,
};

function mapRecord(p: unknown, ctx: MapContext): RecordOutcome {
  if (!isObject(p)) return unmappable('record is not a JSON object');
  const type = str(p, 'type');
  if (!type) return unmappable('no "type" field (expected zen:event-type:ticket.*)');
  if (!type.startsWith(PREFIX)) return ignored(`event type ${type} is not a ticket event`);
  const handler = HANDLERS[type.slice(PREFIX.length)];
  if (!handler) return ignored(`event type ${type} is not mapped`);
  const detail = obj(p, 'detail') ?? {};
  const ticket = str(detail, 'id') ?? /^zen:ticket:(\d+)$/.exec(str(p, 'subject') ?? '')?.[1];
  if (!ticket) return unmappable(`${type} without the ticket id (detail.id / subject)`);
  const eventId = str(p, 'id');
  if (!eventId) return unmappable(`${type} without the event id`);
  const event = obj(p, 'event');
  return handler({
    conversationId: `zendesk:${ticket}`, channel: channelOf(detail), id: eventId,
    time: firstInstant(ctx.receivedAt, field(p, 'time'), field(detail, 'updated_at')), detail, event,
  });
}

export const zendeskConnector: Connector<'zendesk'> = {
  name: 'zendesk',
  authenticate: (req: IngestRequest, cfg, now) => verifyZendesk(req.headers, req.body, cfg, now),
  map: (req, ctx) => jsonRecords(req.body).map((r) => mapRecord(r, ctx)),
};
