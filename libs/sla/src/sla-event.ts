import { makeEvent } from '@cx/contracts';
import type { SlaFiring } from './engine';

export const SLA_SOURCE = 'cx/sla-monitor';

/**
 * The `cx.sla.warning.v1` / `cx.sla.breached.v1` CloudEvent of a firing; its id is the cause id
 * and it carries the trace context of the event that started the clock.
 */
export function toSlaEvent(firing: SlaFiring, source = SLA_SOURCE) {
  return makeEvent({
    type: firing.kind === 'breached' ? ('cx.sla.breached.v1' as const) : ('cx.sla.warning.v1' as const),
    id: firing.id,
    source,
    subject: firing.conversationId,
    time: firing.data.at,
    tenantid: firing.tenantid,
    data: firing.data,
    cause: firing.trace,
  });
}
