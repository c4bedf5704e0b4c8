import { decodeCloudEvent, deterministicId, encodeCloudEvent, makeEvent, peekType } from './cloudevent-codec';
import { traceOf } from './envelope';
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

describe('decodeCloudEvent: CloudEvents conformance', () => {
  const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

  it('accepts and keeps extension attributes in structured mode, interpreting only ours', () => {
    const r = decodeCloudEvent(structured({ ...event, traceparent, tracestate: 'vendor=1', partitionkey: 'c1', sequence: 7, acmeflag: true }), InteractionEvent);
    expect(r.ok).toBe(true);
    expect(r.ok && r.event.traceparent).toBe(traceparent);
    expect(r.ok && r.extensions).toEqual({ partitionkey: 'c1', sequence: 7, acmeflag: true });
  });

  it('accepts extensions in binary mode (ce_* headers)', () => {
    const headers = { ce_specversion: '1.0', ce_id: 'e1', ce_source: 'urn:p', ce_type: 'cx.message.v1', ce_time: event.time, ce_subject: 'c1', ce_traceparent: traceparent, ce_partitionkey: 'c1', 'content-type': 'application/json; charset=utf-8' };
    const r = decodeCloudEvent({ key: 'c1', value: JSON.stringify(event.data), headers }, InteractionEvent);
    expect(r.ok && r.event.traceparent).toBe(traceparent);
    expect(r.ok && r.extensions).toEqual({ partitionkey: 'c1' });
  });

  it.each([
    ['absent', undefined],
    ['application/json', 'application/json'],
    ['with a charset', 'application/json; charset=utf-8'],
  ])('accepts datacontenttype %s', (_n, datacontenttype) => {
    expect(decodeCloudEvent(structured({ ...event, datacontenttype }), InteractionEvent).ok).toBe(true);
  });

  it('dead-letters another datacontenttype with the reason, in both modes', () => {
    const r = decodeCloudEvent(structured({ ...event, datacontenttype: 'text/plain' }), InteractionEvent);
    expect(!r.ok && r.reason).toMatch(/unsupported datacontenttype "text\/plain"/);
    const headers = { ce_specversion: '1.0', ce_id: 'e1', ce_source: 'urn:p', ce_type: 'cx.message.v1', ce_time: event.time, ce_subject: 'c1', 'content-type': 'application/xml' };
    const b = decodeCloudEvent({ key: 'c1', value: '<x/>', headers }, InteractionEvent);
    expect(!b.ok && b.reason).toMatch(/unsupported datacontenttype "application\/xml"/);
  });

  it('reads data_base64 holding JSON in structured mode', () => {
    const { data, ...rest } = event;
    const r = decodeCloudEvent(structured({ ...rest, data_base64: Buffer.from(JSON.stringify(data)).toString('base64') }), InteractionEvent);
    expect(r.ok && r.event.data).toMatchObject({ text: 'hi' });
    const both = decodeCloudEvent(structured({ ...event, data_base64: 'e30=' }), InteractionEvent);
    expect(!both.ok && both.reason).toMatch(/mutually exclusive/);
  });

  it('rejects attribute names that are not CloudEvents names, and non-scalar extensions', () => {
    expect(decodeCloudEvent(structured({ ...event, Trace_Id: 'x' }), InteractionEvent)).toMatchObject({ ok: false, reason: expect.stringMatching(/attribute name "Trace_Id"/) });
    expect(decodeCloudEvent(structured({ ...event, meta: { a: 1 } }), InteractionEvent)).toMatchObject({ ok: false, reason: expect.stringMatching(/"meta" must be a string/) });
  });

  it('reads a null-valued header as an absent attribute (kcat `-H name`; kafkajs reads it as null)', () => {
    const headers = {
      ce_specversion: Buffer.from('1.0'), ce_id: 'e1', ce_source: 'urn:p', ce_type: 'cx.message.v1', ce_time: event.time, ce_subject: 'c1',
      ce_dataschema: null, ce_acmetag: null, 'content-type': null,
    };
    const r = decodeCloudEvent({ key: 'c1', value: JSON.stringify(event.data), headers }, InteractionEvent);
    expect(r).toMatchObject({ ok: true, event: { subject: 'c1' } });
    expect(r.ok && r.event).not.toHaveProperty('dataschema');
    expect(r.ok && r.extensions).toBeUndefined();
  });

  it('treats a structured content-type as structured even when ce_ headers are present', () => {
    const headers = { 'content-type': 'application/cloudevents+json; charset=UTF-8', ce_specversion: '1.0' };
    expect(decodeCloudEvent({ key: 'c1', value: JSON.stringify(event), headers }, InteractionEvent).ok).toBe(true);
  });
});

describe('makeEvent / traceOf', () => {
  it('carries a valid trace context from the cause and drops a malformed one', () => {
    const tp = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const base = { type: 't', source: 's', subject: 'c', time: event.time, tenantid: 'x', data: {}, id: '1' };
    expect(makeEvent({ ...base, cause: { traceparent: tp, tracestate: 'a=b' } })).toMatchObject({ traceparent: tp, tracestate: 'a=b' });
    expect(makeEvent({ ...base, cause: { traceparent: 'garbage' } })).not.toHaveProperty('traceparent');
    expect(traceOf({ traceparent: '00-00000000000000000000000000000000-00f067aa0ba902b7-01' })).toEqual({});
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

describe('peekType', () => {
  const mine = (e: object) => { const m = encodeCloudEvent(e as never); return { key: m.key, value: Buffer.from(m.value), headers: m.headers }; };

  it('reads the type of our own structured outputs and of binary-mode events', () => {
    expect(peekType(mine(event))).toBe('cx.message.v1');
    expect(peekType(structured(event))).toBe('cx.message.v1');
    const headers = { ce_specversion: '1.0', ce_type: 'cx.message.v1', 'content-type': 'application/json' };
    expect(peekType({ key: 'c1', value: '{"type":"not this"}', headers })).toBe('cx.message.v1');
  });

  it('agrees with the full decode whenever it answers', () => {
    for (const e of [event, { ...event, source: 'urn:a","type":"fake' }, { ...event, id: 'x\\"type\\":\\"y' }]) {
      const r = decodeCloudEvent(structured(e), InteractionEvent);
      expect(peekType(structured(e))).toBe(r.ok ? r.event.type : undefined);
    }
  });

  it('does not guess when the type comes after data, is escaped, or is missing', () => {
    const { type, data, ...rest } = event;
    expect(peekType(structured({ data: { ...data, type: 'nested' }, ...rest, type }))).toBeUndefined();
    expect(peekType(structured({ ...event, type: 'cx.\\u006dessage.v1' }))).toBeUndefined();
    expect(peekType(structured({ ...rest, data }))).toBeUndefined();
    expect(peekType({ key: null, value: null })).toBeUndefined();
    expect(peekType({ key: null, value: Buffer.from('not json') })).toBeUndefined();
  });
});
