import { randomUUID } from 'node:crypto';

type Channel = 'chat' | 'email' | 'call';

/** Builders for valid structured-mode CloudEvents of the v1 contract. */
export function envelope<D extends Record<string, unknown>>(type: string, conversationId: string, data: D, over: Record<string, unknown> = {}) {
  return {
    specversion: '1.0', id: randomUUID(), source: 'urn:test:platform', type, time: new Date().toISOString(),
    subject: conversationId, tenantid: 'default', data: { conversationId, ...data } as { conversationId: string } & D, ...over,
  };
}

export const customerMessage = (conversationId: string, text: string, channel: Channel = 'chat', over: Record<string, unknown> = {}) =>
  envelope('cx.message.v1', conversationId, { channel, messageId: randomUUID(), author: { role: 'customer', id: 'cust-1' }, text }, over);

export const agentMessage = (conversationId: string, text: string, channel: Channel = 'chat') =>
  envelope('cx.message.v1', conversationId, { channel, messageId: randomUUID(), author: { role: 'agent', id: 'agent-1' }, text });

export const opened = (conversationId: string, customerId: string, channel: Channel = 'chat', extra: Record<string, unknown> = {}) =>
  envelope('cx.conversation.opened.v1', conversationId, { channel, customer: { id: customerId }, ...extra });

export const statusChange = (conversationId: string, status: string, channel: Channel = 'chat') =>
  envelope('cx.conversation.status.v1', conversationId, { channel, status });
