import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { TestSpans } from './testing';
import { markDeadLettered, startUnitSpans, type TracedUnit } from './unit-spans';

const PARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
const info = { groupId: 'cx-emotion-detector', topicPrefix: 'p.', attempt: 1 };

function unit(events: Record<string, unknown>[]): TracedUnit {
  return { topic: 'cx.interactions.chat', items: events.map((event, i) => ({ event, partition: 2, offset: String(40 + i) })), invalid: [] };
}

describe('unit spans', () => {
  it('does nothing while tracing is off: no spans, the events keep their trace context', () => {
    const ev = { id: 'e1', traceparent: PARENT, tracestate: 'k=v' };
    expect(startUnitSpans([unit([ev])], info)).toBeUndefined();
    expect(ev).toEqual({ id: 'e1', traceparent: PARENT, tracestate: 'k=v' });
  });

  describe('with tracing on', () => {
    let t: TestSpans;
    beforeEach(() => { t = new TestSpans('emotion-detector'); });
    afterEach(() => t.stop());

    it('makes one span per unit and one per message, a child of the event\'s traceparent, whose context the event then carries', () => {
      const traced = { id: 'e1', type: 'cx.message.v1', tenantid: 'acme', traceparent: PARENT, tracestate: 'vendor=abc' };
      const untraced = { id: 'e2', type: 'cx.message.v1', tenantid: 'acme' };
      startUnitSpans([unit([traced, untraced])], info)!.end();

      const [u] = t.named('unit p.cx.interactions.chat');
      expect(u.attributes).toMatchObject({ 'messaging.batch.message_count': 2, 'messaging.consumer.group.name': 'cx-emotion-detector', 'cx.attempt': 1, 'cx.partitions': 1 });
      const [m1, m2] = t.named('process p.cx.interactions.chat');
      expect(m1.kind).toBe(SpanKind.CONSUMER);
      expect(m1.spanContext().traceId).toBe('0af7651916cd43dd8448eb211c80319c');
      expect(m1.parentSpanContext?.spanId).toBe('b7ad6b7169203331');
      expect(m1.parentSpanContext?.isRemote).toBe(true);
      expect(m1.links.map((l) => l.context.spanId)).toEqual([u.spanContext().spanId]);
      expect(m1.attributes).toEqual({
        'messaging.system': 'kafka', 'messaging.operation.type': 'process', 'messaging.operation.name': 'process',
        'messaging.destination.name': 'p.cx.interactions.chat', 'messaging.destination.partition.id': '2', 'messaging.kafka.offset': 40,
        'messaging.consumer.group.name': 'cx-emotion-detector', 'messaging.message.id': 'e1', 'cloudevents.event_type': 'cx.message.v1', 'cx.tenant': 'acme',
      });
      // Outputs made from the event (makeEvent({cause})) now name the message span as their parent.
      expect(traced.traceparent).toBe(`00-0af7651916cd43dd8448eb211c80319c-${m1.spanContext().spanId}-01`);
      expect(traced.tracestate).toBe('vendor=abc');
      // No traceparent: a new trace starts here.
      expect(m2.parentSpanContext).toBeUndefined();
      expect((untraced as Record<string, unknown>).traceparent).toBe(`00-${m2.spanContext().traceId}-${m2.spanContext().spanId}-01`);
      expect(m2.spanContext().traceId).not.toBe(m1.spanContext().traceId);
    });

    it('hangs a retried unit\'s spans off the parents the events arrived with', () => {
      const ev = { id: 'e1', traceparent: PARENT };
      startUnitSpans([unit([ev])], info)!.end(new TypeError('redis down'));
      const first = ev.traceparent;
      startUnitSpans([unit([ev])], { ...info, attempt: 2 })!.end();
      const [a, b] = t.named('process p.cx.interactions.chat');
      expect(a.status).toEqual({ code: SpanStatusCode.ERROR, message: 'unit failed; retried' });
      expect(a.attributes['error.type']).toBe('TypeError');
      expect(b.parentSpanContext?.spanId).toBe('b7ad6b7169203331');
      expect(ev.traceparent).not.toBe(first);
      expect(ev.traceparent).toContain(b.spanContext().spanId);
      expect(t.named('unit p.cx.interactions.chat').map((s) => s.attributes['cx.attempt'])).toEqual([1, 2]);
    });

    it('marks a dead-lettered message with the reason class only, and ignores messages that never decoded', () => {
      const bad = { id: 'e1', traceparent: PARENT };
      const spans = startUnitSpans([{ ...unit([bad]), invalid: [{ reason: 'x' }] }], info)!;
      markDeadLettered(bad, 'processing');
      markDeadLettered(undefined, 'invalid_json');
      spans.end();
      const [m] = t.named('process p.cx.interactions.chat');
      expect(m.status.code).toBe(SpanStatusCode.ERROR);
      expect(m.attributes['error.type']).toBe('processing');
      expect(t.named('unit p.cx.interactions.chat')[0].attributes['messaging.batch.message_count']).toBe(2);
    });

    it('starts afresh from a malformed traceparent, and honours an unsampled parent', () => {
      const broken = { id: 'e1', traceparent: '00-xyz-abc-01' };
      const unsampled = { id: 'e2', traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00' };
      startUnitSpans([unit([broken, unsampled])], info)!.end();
      const spans = t.named('process p.cx.interactions.chat');
      expect(spans).toHaveLength(1); // the unsampled one is not recorded...
      expect(spans[0].parentSpanContext).toBeUndefined();
      // ...but its context still travels on, unsampled, in the same trace.
      expect(unsampled.traceparent).toMatch(/^00-0af7651916cd43dd8448eb211c80319c-[0-9a-f]{16}-00$/);
      expect(unsampled.traceparent).not.toContain('b7ad6b7169203331');
    });
  });
});
