/*
 * Spans of the Kafka consumers (libs/runtime): one per unit of work (the partition batches of one
 * fetch, processed together) and one per message, a child of the remote context the event's
 * `traceparent` names, so one trace follows a customer's message from service to service. The
 * message span's context replaces the event's trace context before the handlers plan, so every
 * output the event causes (makeEvent({cause}), a clock's or an escalation's stored trace) carries
 * the span that produced it. The context an event arrived with is kept aside: a retried unit's
 * spans hang off the same parents, not off the failed attempt's.
 */
import { SpanKind, SpanStatusCode, type Attributes, type Link, type Span } from '@opentelemetry/api';
import { traceOf, type TraceContext } from '@cx/contracts';
import {
  ATTR_ATTEMPT, ATTR_CLOUDEVENTS_EVENT_TYPE, ATTR_ERROR_TYPE, ATTR_MESSAGING_BATCH_MESSAGE_COUNT, ATTR_MESSAGING_CONSUMER_GROUP_NAME,
  ATTR_MESSAGING_DESTINATION_NAME, ATTR_MESSAGING_DESTINATION_PARTITION_ID, ATTR_MESSAGING_KAFKA_OFFSET, ATTR_MESSAGING_MESSAGE_ID,
  ATTR_MESSAGING_OPERATION_NAME, ATTR_MESSAGING_OPERATION_TYPE, ATTR_MESSAGING_SYSTEM, ATTR_TENANT,
} from './semconv';
import { parentContext, traceContextOf } from './trace-context';
import { activeTracer } from './tracer-setup';

/** What a unit's share of one topic looks like to tracing (structurally the runtime's TopicUnit). */
export interface TracedUnit {
  topic: string;
  items: { event: unknown; partition: number; offset: string }[];
  invalid: unknown[];
}

export interface UnitInfo {
  groupId: string;
  /** Prefix of the Kafka topic names (the units name contract topics). */
  topicPrefix: string;
  attempt: number;
}

export interface UnitSpans {
  /** Ends the unit's spans; an error marks them failed (the unit is retried). */
  end(error?: unknown): void;
}

type TracedEvent = TraceContext & { id?: string; type?: string; tenantid?: string };

/** The trace context each event arrived with, before its message span's replaced it. */
const arrivedWith = new WeakMap<object, TraceContext>();
/** The message span of an event in the unit being processed (to mark a dead letter). */
const spanOf = new WeakMap<object, Span>();

/** Starts the spans of one attempt at a unit; undefined while tracing is off. */
export function startUnitSpans(units: TracedUnit[], info: UnitInfo): UnitSpans | undefined {
  const tracer = activeTracer();
  if (!tracer) return undefined;
  const topics = units.map((u) => info.topicPrefix + u.topic);
  const partitions = new Set<string>();
  let count = 0;
  for (const u of units) {
    count += u.items.length + u.invalid.length;
    for (const i of u.items) partitions.add(`${u.topic}/${i.partition}`);
  }
  const unit = tracer.startSpan(`unit ${topics.join(',')}`, {
    kind: SpanKind.INTERNAL,
    attributes: {
      [ATTR_MESSAGING_SYSTEM]: 'kafka', [ATTR_MESSAGING_OPERATION_TYPE]: 'process', [ATTR_MESSAGING_CONSUMER_GROUP_NAME]: info.groupId,
      [ATTR_MESSAGING_BATCH_MESSAGE_COUNT]: count, 'cx.partitions': partitions.size, [ATTR_ATTEMPT]: info.attempt,
      ...(topics.length === 1 ? { [ATTR_MESSAGING_DESTINATION_NAME]: topics[0] } : {}),
    },
  });
  const links: Link[] = [{ context: unit.spanContext() }];
  const messages: Span[] = [];
  units.forEach((u, t) => {
    const name = `process ${topics[t]}`;
    for (const item of u.items) {
      const ev = item.event as TracedEvent;
      let from = arrivedWith.get(ev);
      if (!from) arrivedWith.set(ev, (from = traceOf(ev)));
      const attributes: Attributes = {
        [ATTR_MESSAGING_SYSTEM]: 'kafka', [ATTR_MESSAGING_OPERATION_TYPE]: 'process', [ATTR_MESSAGING_OPERATION_NAME]: 'process',
        [ATTR_MESSAGING_DESTINATION_NAME]: topics[t], [ATTR_MESSAGING_DESTINATION_PARTITION_ID]: String(item.partition),
        [ATTR_MESSAGING_KAFKA_OFFSET]: Number(item.offset), [ATTR_MESSAGING_CONSUMER_GROUP_NAME]: info.groupId,
        [ATTR_MESSAGING_MESSAGE_ID]: ev.id, [ATTR_CLOUDEVENTS_EVENT_TYPE]: ev.type, [ATTR_TENANT]: ev.tenantid,
      };
      const span = tracer.startSpan(name, { kind: SpanKind.CONSUMER, links, attributes }, parentContext(from));
      const out = traceContextOf(span.spanContext());
      ev.traceparent = out.traceparent;
      if (out.tracestate) ev.tracestate = out.tracestate;
      else delete ev.tracestate;
      spanOf.set(ev, span);
      messages.push(span);
    }
  });
  return {
    end(error?: unknown) {
      const status = error === undefined ? undefined : { code: SpanStatusCode.ERROR, message: 'unit failed; retried' };
      const type = error === undefined ? undefined : errorType(error);
      for (const s of [...messages, unit]) {
        if (status) s.setStatus(status).setAttribute(ATTR_ERROR_TYPE, type!);
        s.end();
      }
    },
  };
}

/** Marks a message's span as dead-lettered (the reason's class only: a reason may quote the payload). */
export function markDeadLettered(event: unknown, reasonClass: string): void {
  const span = event && typeof event === 'object' ? spanOf.get(event) : undefined;
  span?.setStatus({ code: SpanStatusCode.ERROR, message: 'dead-lettered' }).setAttribute(ATTR_ERROR_TYPE, reasonClass);
}

/** An error's class name (never its message: it may quote data or a URL). */
export function errorType(e: unknown): string {
  return e instanceof Error ? e.name || 'Error' : typeof e;
}
