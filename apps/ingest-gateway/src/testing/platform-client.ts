// A stand-in for the platforms: builds a customer message the way each platform sends it (the
// shapes of the fixtures) and delivers it signed to a running gateway. Used by the integration
// tests, the benchmark and the demo.
import { randomUUID } from 'node:crypto';
import { bearer, chatwootHeaders, twilioForm, zendeskHeaders } from './platform-signers';

export type PlatformConnector = 'chatwoot' | 'zendesk' | 'twilio' | 'amazon-connect' | 'cloudevents';

export interface GatewayTarget {
  url: string;
  tenant: string;
  publicUrl: string;
  secrets: { chatwoot: string; zendesk: string; twilioAuthToken: string; amazonConnect: string; cloudevents: string };
}

export interface Delivery { path: string; headers: Record<string, string>; body: string }

/** One customer message on `thread` (a number-like id the platform would use), and the conversation id the gateway derives. */
export function customerMessage(gw: GatewayTarget, connector: PlatformConnector, thread: string, text: string, eventId = randomUUID(), at = new Date()): { delivery: Delivery; conversationId: string } {
  const path = `/ingest/${gw.tenant}/${connector}`;
  switch (connector) {
    case 'chatwoot': {
      const body = JSON.stringify({
        event: 'message_created', id: Number.parseInt(eventId.replace(/\D/g, '').slice(0, 9) || '1', 10), content: text, created_at: at.toISOString(), message_type: 'incoming',
        content_type: 'text', private: false, sender: { id: 17, name: 'Test Customer', type: 'contact' },
        conversation: { id: thread, channel: 'Channel::WebWidget', account_id: 1 }, account: { id: 1, name: 'Test' },
      });
      return { conversationId: `chatwoot:1:${thread}`, delivery: { path, body, headers: chatwootHeaders(gw.secrets.chatwoot, body, at, eventId) } };
    }
    case 'zendesk': {
      const body = JSON.stringify({
        type: 'zen:event-type:ticket.comment_added', account_id: 1, id: eventId, time: at.toISOString(), zendesk_event_version: '2022-11-06', subject: `zen:ticket:${thread}`,
        detail: { id: thread, requester_id: '42', status: 'OPEN', via: { channel: 'email' } },
        event: { comment: { id: eventId, body: text, is_public: true, author: { id: '42', is_staff: false, name: 'Test Customer' } } },
      });
      return { conversationId: `zendesk:${thread}`, delivery: { path, body, headers: zendeskHeaders(gw.secrets.zendesk, body, at) } };
    }
    case 'twilio': {
      const f = twilioForm(gw.secrets.twilioAuthToken, gw.publicUrl + path, {
        EventType: 'onMessageAdded', ConversationSid: `CH${thread}`, MessageSid: `IM${eventId.replace(/-/g, '')}`, DateCreated: at.toISOString(),
        Body: text, Author: '+4915112345678', Source: 'SMS', Index: '0',
      });
      return { conversationId: `twilio:CH${thread}`, delivery: { path, body: f.body, headers: f.headers } };
    }
    case 'amazon-connect': {
      const body = JSON.stringify([
        { Version: '1.0.0', Channel: 'VOICE', ContactId: thread, LanguageCode: 'en-US', EventType: 'STARTED' },
        { Version: '1.0.0', Channel: 'VOICE', ContactId: thread, LanguageCode: 'en-US', EventType: 'SEGMENTS', Segments: [{ Transcript: { Id: eventId, ParticipantId: 'CUSTOMER', ParticipantRole: 'CUSTOMER', Content: text, BeginOffsetMillis: 1000, EndOffsetMillis: 4000, Sentiment: 'NEGATIVE' } }] },
      ]);
      return { conversationId: `amazon-connect:${thread}`, delivery: { path, body, headers: bearer(gw.secrets.amazonConnect) } };
    }
    case 'cloudevents': {
      const conversationId = `ce-${thread}`;
      const body = JSON.stringify({
        specversion: '1.0', id: eventId, source: 'urn:test:crm', type: 'cx.message.v1', time: at.toISOString(), subject: conversationId,
        data: { conversationId, channel: 'chat', messageId: eventId, author: { role: 'customer', id: 'crm-customer-1' }, text },
      });
      return { conversationId, delivery: { path, body, headers: bearer(gw.secrets.cloudevents, 'application/cloudevents+json') } };
    }
  }
}

export async function deliver(gw: GatewayTarget, d: Delivery, extraHeaders: Record<string, string> = {}): Promise<{ status: number; headers: Headers; body: unknown }> {
  const res = await fetch(gw.url + d.path, { method: 'POST', headers: { ...d.headers, ...extraHeaders }, body: d.body });
  const text = await res.text();
  let body: unknown = text;
  try { body = JSON.parse(text); } catch { /* not JSON */ }
  return { status: res.status, headers: res.headers, body };
}
