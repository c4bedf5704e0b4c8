import { decodeCloudEvent, deterministicId, encodeCloudEvent } from './cloudevent-codec';
import { InteractionEvent } from './interaction-events';

const event = {
  specversion: '1.0', id: 'e1', source: 'urn:p', type: 'cx.message.v1', time: '2026-03-01T10:00:00.123+01:00',
  subject: 'c1', data: { conversationId: 'c1', channel: 'chat', messageId: 'm1', author: { role: 'customer' }, text: 'hi' },
};
const structured = (v: unknown) => ({ key: 'c1', value: Buffer.from(JSON.stringify(v)) });

describe('decodeCloudEvent', () => {
  it('reads structured mode and defaults the tenant', () => {
    const r = decodeCloudEvent(structured(event), InteractionEvent);
    expect(r.ok && r.event.tenantid).toBe('default');
  });

  it('reads binary mode from ce_* headers', () => {
    const headers = { ce_specversion: Buffer.from('1.0'), ce_id: 'e1', ce_source: 'urn:p', ce_type: 'cx.message.v1', ce_time: event.time, ce_subject: 'c1', ce_tenantid: 'acme', 'content-type': 'application/json' };
    const r = decodeCloudEvent({ key: 'c1', value: JSON.stringify(event.data), headers }, InteractionEvent);
    expect(r.ok).toBe(true);
    expect(r.ok && r.event.tenantid).toBe('acme');
  });

  it.each([
    ['garbage bytes', { key: null, value: Buffer.from([0xff, 0x00]) }, /not valid JSON/],
    ['empty value', { key: null, value: null }, /empty message/],
    ['an array', structured([1]), /must be a JSON object/],
    ['unknown type', structured({ ...event, type: 'cx.nope.v1' }), /type/],
    ['missing field', structured({ ...event, data: { ...event.data, text: undefined } }), /data\.text/],
    ['bad time', structured({ ...event, time: 'yesterday' }), /time/],
    ['subject mismatch', structured({ ...event, subject: 'other' }), /differs from data.conversationId/],
    ['wrong specversion', structured({ ...event, specversion: '0.3' }), /specversion/],
  ])('rejects %s with a reason', (_name, msg, reason) => {
    const r = decodeCloudEvent(msg, InteractionEvent);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toMatch(reason);
  });
});

describe('encodeCloudEvent / deterministicId', () => {
  it('keys by subject in structured mode', () => {
    const m = encodeCloudEvent({ subject: 'c9' });
    expect(m.key).toBe('c9');
    expect(m.headers['content-type']).toMatch(/cloudevents\+json/);
  });
  it('derives stable, distinct ids', () => {
    expect(deterministicId('a', 'b')).toBe(deterministicId('a', 'b'));
    expect(deterministicId('a', 'b')).not.toBe(deterministicId('ab', ''));
  });
});
