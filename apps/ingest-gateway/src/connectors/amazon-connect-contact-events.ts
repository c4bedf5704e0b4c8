// Amazon Connect contact events (INITIATED, QUEUED, CONNECTED_TO_AGENT, DISCONNECTED, …) → contract
// drafts. The admin guide's samples spell the same fields two ways (agentInfo / AgentInfo,
// channel VOICE / Voice) and come with or without the EventBridge envelope; both are read.
import type { Channel } from '@cx/contracts';
import type { MapContext, RecordOutcome } from '../ingest-types';
import { drafts, events, ignored, unmappable } from './connector';
import { field, firstInstant, lastSegment, obj, str, type Json } from './payload-fields';

/** Connect's channel names (any case: the samples write VOICE and Voice); tasks are not mapped. */
export const connectChannel = (v: string | undefined): Channel | undefined =>
  ({ VOICE: 'call', CHAT: 'chat', EMAIL: 'email' } as Record<string, Channel>)[(v ?? '').toUpperCase()];

export function mapContactEvent(r: Json, ctx: MapContext): RecordOutcome {
  const d = obj(r, 'detail') ?? r;
  const contact = str(d, 'contactId');
  const type = (str(d, 'eventType') ?? '').toUpperCase();
  if (!contact) return unmappable(`contact event ${type || '(no eventType)'} without contactId`);
  const channel = connectChannel(str(d, 'channel'));
  if (!channel) return ignored(`contact channel ${str(d, 'channel') ?? '(none)'} is not mapped`);
  const conversationId = `amazon-connect:${contact}`;
  // The EventBridge event id when the envelope came along; else one id per contact and event type.
  const id = str(r, 'id') ?? `${contact}:${type}`;
  const queue = obj(d, 'queueInfo');
  const agent = obj(d, 'agentInfo');
  const at = (...specific: unknown[]) => firstInstant(ctx.receivedAt, ...specific, field(r, 'time'));
  const queueName = str(queue, 'queueName') ?? (str(queue, 'queueArn') ? lastSegment(str(queue, 'queueArn')!) : undefined);
  const agentId = str(agent, 'agentArn') ? `amazon-connect:agent:${lastSegment(str(agent, 'agentArn')!)}` : undefined;
  switch (type) {
    case 'INITIATED': {
      const customer = str(obj(d, 'customerEndpoint'), 'address');
      return events(drafts.opened({ id, conversationId, channel, time: at(field(d, 'initiationTimestamp')) }, {
        customerId: customer ? `amazon-connect:${ctx.pseudonym(customer)}` : conversationId, queue: queueName,
      }));
    }
    case 'QUEUED': {
      const b = { id, conversationId, channel, time: at(field(queue, 'enqueueTimestamp')) };
      return events(channel === 'call' ? drafts.callQueued(b, queueName) : drafts.updated(b, { queue: queueName }));
    }
    case 'CONNECTED_TO_AGENT': {
      if (!agentId) return unmappable(`contact ${contact}: CONNECTED_TO_AGENT without agentInfo.agentArn`);
      const b = { id, conversationId, channel, time: at(field(agent, 'connectedToAgentTimestamp')) };
      return events(channel === 'call' ? drafts.callAnswered(b, agentId) : drafts.assigned(b, agentId, queueName));
    }
    case 'DISCONNECTED': {
      const time = at(field(d, 'disconnectTimestamp'));
      const answered = field(agent, 'connectedToAgentTimestamp') !== undefined;
      // A caller who hung up while queued, before any agent took the call, abandoned it.
      if (channel === 'call' && queue && !answered) {
        return events(drafts.callAbandoned({ id, conversationId, channel, time }), drafts.status({ id: `${id}:closed`, conversationId, channel, time }, 'closed'));
      }
      return events(drafts.status({ id, conversationId, channel, time }, 'closed'));
    }
    default: return ignored(`contact event ${type || '(none)'} is not mapped`);
  }
}
