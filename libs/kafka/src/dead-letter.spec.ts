// The dead-letter format keeps the original message as it was, minus what Kafka clients cannot
// write back (a null-valued header, which kafkajs refuses to encode).
import { deadLetter, reasonClass } from './dead-letter';

describe('deadLetter', () => {
  const origin = { topic: 'cx.interactions.chat', partition: 2, offset: '41', service: 'emotion-detector' };

  it('keeps key, value and headers and adds the reason and origin', () => {
    const out = deadLetter({ key: 'c1', value: Buffer.from('x'), headers: { ce_id: Buffer.from('e1'), trace: ['a', 'b'] } }, origin, 'invalid cx.message.v1: text', new Date('2026-01-01T00:00:00Z'));
    expect(out).toMatchObject({ topic: 'cx.dlq', key: 'c1', value: Buffer.from('x') });
    expect(out.headers).toEqual({
      ce_id: Buffer.from('e1'), trace: 'a', 'x-dlq-reason': 'invalid cx.message.v1: text', 'x-dlq-topic': 'cx.interactions.chat',
      'x-dlq-partition': '2', 'x-dlq-offset': '41', 'x-dlq-service': 'emotion-detector', 'x-dlq-at': '2026-01-01T00:00:00.000Z',
    });
  });

  it('leaves out null-valued headers, which kafkajs cannot write', () => {
    const out = deadLetter({ key: null, value: null, headers: { ce_dataschema: null, ce_id: 'e1', empty: [null] } }, origin, 'empty message value');
    expect(Object.keys(out.headers ?? {}).filter((k) => !k.startsWith('x-dlq-'))).toEqual(['ce_id']);
    expect(reasonClass('empty message value')).toBe('invalid_json');
  });
});
