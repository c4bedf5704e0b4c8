import type { KafkaMessage } from 'kafkajs';
import { encodeCloudEvent, InteractionEvent } from '@cx/contracts';
import { decodeBatch } from './batch-decoder';

const event = (id: string, type = 'cx.message.v1') => ({
  specversion: '1.0', id, source: 'urn:p', type, time: '2026-03-01T10:00:00.000Z', tenantid: 'default',
  subject: 'c1', data: { conversationId: 'c1', channel: 'chat', messageId: id, author: { role: 'customer' }, text: 'hi' },
});
const message = (value: unknown, offset: number): KafkaMessage => {
  const m = typeof value === 'string' ? { value, headers: {} } : encodeCloudEvent(value as never);
  return { key: Buffer.from('c1'), value: Buffer.from(m.value), headers: m.headers, offset: String(offset), timestamp: String(1000 + offset), attributes: 0 } as KafkaMessage;
};

describe('decodeBatch', () => {
  it('decodes valid events in offset order, dead-letters the rest with the reason', () => {
    const out = decodeBatch({ partition: 3, messages: [message(event('a'), 0), message('not json', 1), message(event('b'), 2)] }, 'cx.interactions.chat', InteractionEvent);
    expect(out.items.map((i) => [(i.event as { id: string }).id, i.offset, i.partition])).toEqual([['a', '0', 3], ['b', '2', 3]]);
    expect(out.stamps).toEqual([1000, 1002]);
    expect(out.invalid.map((r) => r.item.offset)).toEqual(['1']);
    expect(out.invalid[0].reason).toMatch(/JSON/i);
    expect(out.ignored).toBe(0);
  });

  it('skips the types the handler ignores without decoding them, and still dead-letters what it cannot tell', () => {
    const ignores = new Set(['cx.other.v1']);
    const out = decodeBatch({ partition: 0, messages: [message(event('a', 'cx.other.v1'), 0), message(event('b'), 1), message('garbage', 2)] }, 'cx.interactions.chat', InteractionEvent, ignores);
    expect(out.ignored).toBe(1);
    expect(out.items.map((i) => (i.event as { id: string }).id)).toEqual(['b']);
    expect(out.invalid).toHaveLength(1);
  });
});
