import { reasonClass } from '@cx/kafka';
import { inTimeOrder, isolate, type InboundItem } from './plan';

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
    ['unsupported datacontenttype "text/plain": data must be JSON (application/json)', 'schema'],
    ['processing failed: boom', 'processing'],
    ['something else', 'other'],
  ])('%s → %s', (reason, cls) => expect(reasonClass(reason)).toBe(cls));
});

describe('inTimeOrder', () => {
  it('interleaves partitions by timestamp and keeps each partition in offset order, even when its clock went back', () => {
    const p0 = [{ item: 'a1', at: 10 }, { item: 'a2', at: 30 }, { item: 'a3', at: 5 }];
    const p1 = [{ item: 'b1', at: 20 }, { item: 'b2', at: 40 }];
    expect(inTimeOrder([p0, p1])).toEqual(['a1', 'b1', 'a2', 'a3', 'b2']);
  });

  it('handles empty lists and ties (first list first)', () => {
    expect(inTimeOrder([[], [{ item: 1, at: 1 }], [{ item: 2, at: 1 }]])).toEqual([1, 2]);
    expect(inTimeOrder([])).toEqual([]);
  });
});
