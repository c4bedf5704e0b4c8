import { deterministicId, makeEvent, Topics } from '@cx/contracts';
import type { OutEvent } from '@cx/kafka';
import type { StoredEscalation } from './escalation.store';
import { withoutTenant, type ChangeKind } from './sse.hub';

export const SOURCE = 'urn:cx:router';

const TYPES: Partial<Record<ChangeKind, 'cx.escalation.raised.v1' | 'cx.escalation.acknowledged.v1' | 'cx.escalation.resolved.v1'>> = {
  raised: 'cx.escalation.raised.v1',
  acknowledged: 'cx.escalation.acknowledged.v1',
  resolved: 'cx.escalation.resolved.v1',
};

/** The lifecycle event for a change, with an id derived from the escalation and the change, so replays repeat it. */
export function lifecycleEvent(kind: ChangeKind, e: StoredEscalation): OutEvent | undefined {
  const type = TYPES[kind];
  if (!type) return undefined;
  return {
    topic: Topics.escalations,
    event: makeEvent({
      type, source: SOURCE, subject: e.conversationId, tenantid: e.tenantId, time: e.updatedAt,
      id: deterministicId(e.tenantId, e.escalationId, kind, kind === 'raised' ? '' : e.updatedAt),
      data: withoutTenant(e),
    }),
  };
}
