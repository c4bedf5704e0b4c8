import { reasonClass } from './dead-letter';
import { isolate, type InboundItem } from './batch-types';

const item = (n: number): InboundItem<number> => ({ event: n, topic: 't', partition: 0, offset: String(n), raw: { key: null, value: null } });

describe('isolate', () => {
  it('dead-letters only the item that throws and keeps order for the rest', () => {
    const { results, deadLetters } = isolate([item(1), item(2), item(3)], ({ event }) => {
      if (event === 2) throw new Error('boom');
      return event * 10;
    });
    expect(results.map((r) => r.result)).toEqual([10, 30]);
    expect(deadLetters).toHaveLength(1);
    expect(deadLetters[0].item.offset).toBe('2');
    expect(deadLetters[0].reason).toBe('processing failed: boom');
  });
});

describe('reasonClass', () => {
  it.each([
    ['value is not valid JSON: Unexpected token', 'invalid_json'],
    ['invalid cx.message.v1: data.text: Required', 'schema'],
    ['subject "a" differs from data.conversationId "b"', 'schema'],
    ['processing failed: boom', 'processing'],
    ['something else', 'other'],
  ])('%s → %s', (reason, cls) => expect(reasonClass(reason)).toBe(cls));
});
