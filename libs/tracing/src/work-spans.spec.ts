import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { makeEvent } from '@cx/contracts';
import { TestSpans } from './testing';
import { createdTrace, startWork, traceOutputs } from './work-spans';

const A = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
const B = '00-11111111111111111111111111111111-2222222222222222-01';

const event = (id: string, cause?: { traceparent?: string; tracestate?: string }) => ({
  topic: 'cx.sla', event: makeEvent({ type: 'cx.sla.breached.v1', id, source: 'urn:test', subject: 'c1', time: '2026-01-01T00:00:00Z', tenantid: 't', data: {}, cause }),
});

describe('work spans', () => {
  it('change nothing while tracing is off', () => {
    const parts = [{ events: [event('1', { traceparent: A })] }];
    expect(traceOutputs('sla fire', parts)).toBeUndefined();
    expect(parts[0].events[0].event.traceparent).toBe(A);
    expect(createdTrace('create t', { traceparent: A, tracestate: 'k=v' })).toEqual({ traceparent: A, tracestate: 'k=v' });
    expect(createdTrace('create t', { traceparent: 'garbage' })).toEqual({});
  });

  describe('with tracing on', () => {
    let t: TestSpans;
    beforeEach(() => { t = new TestSpans('sla-monitor'); });
    afterEach(() => t.stop());

    it('gives timer-driven outputs one span per stored cause, in the cause\'s trace, and points the events at it', () => {
      const parts = [
        { events: [event('1', { traceparent: A }), event('2', { traceparent: A }), event('3', { traceparent: B, tracestate: 'v=1' })] },
        { events: [event('4')] },
        { commands: [] },
      ];
      const spans = traceOutputs('sla fire', parts, { 'cx.shard': 3 })!;
      spans.end();
      const fired = t.named('sla fire');
      expect(fired).toHaveLength(3);
      const [sa, sb, sc] = fired;
      expect(sa.parentSpanContext?.spanId).toBe('b7ad6b7169203331');
      expect(sa.attributes).toEqual({ 'cx.shard': 3, 'cx.tenant': 't', 'cx.events': 2, 'cx.event_types': ['cx.sla.breached.v1'] });
      expect(sb.spanContext().traceId).toBe('11111111111111111111111111111111');
      expect(sc.parentSpanContext).toBeUndefined(); // a clock armed before tracing was on: a trace of its own
      const [e1, e2, e3] = parts[0].events!.map((e) => e.event);
      expect(e1.traceparent).toBe(`00-0af7651916cd43dd8448eb211c80319c-${sa.spanContext().spanId}-01`);
      expect(e2.traceparent).toBe(e1.traceparent);
      expect(e3).toMatchObject({ traceparent: `00-11111111111111111111111111111111-${sb.spanContext().spanId}-01`, tracestate: 'v=1' });
      expect(parts[1].events![0].event.traceparent).toContain(sc.spanContext().spanId);
    });

    it('starts work spans of each kind under a received or stored context and ends them with an outcome', () => {
      const w = startWork('webhook deliver', { traceparent: A }, 'client', { 'http.request.method': 'POST' })!;
      expect(w.trace.traceparent).toMatch(/^00-0af7651916cd43dd8448eb211c80319c-[0-9a-f]{16}-01$/);
      w.end({ 'cx.outcome': 'failed' }, '503');
      const [s] = t.named('webhook deliver');
      expect(s.kind).toBe(SpanKind.CLIENT);
      expect(s.status.code).toBe(SpanStatusCode.ERROR);
      expect(s.attributes).toEqual({ 'http.request.method': 'POST', 'cx.outcome': 'failed', 'error.type': '503' });
      expect(w.trace.traceparent).toContain(s.spanContext().spanId);
    });

    it('puts a passed-through event into its own trace through a producer span', () => {
      const tc = createdTrace('create cx.interactions.chat', { traceparent: A });
      const [s] = t.named('create cx.interactions.chat');
      expect(s.kind).toBe(SpanKind.PRODUCER);
      expect(s.parentSpanContext?.spanId).toBe('b7ad6b7169203331');
      expect(tc.traceparent).toBe(`00-0af7651916cd43dd8448eb211c80319c-${s.spanContext().spanId}-01`);
    });
  });
});
