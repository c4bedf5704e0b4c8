import { deterministicId, makeEvent, Topics, type Actor, type AuditRecorded, type EscalationChange } from '@cx/contracts';
import type { OutEvent } from '@cx/runtime';
import type { Principal } from '@cx/routing';
import { publicView, type StoredEscalation } from '../store/escalation.store';
import { SOURCE } from '../store/escalation-events';

/** Who is acting: the principal's agent id, or its role for a key without one (an integration). */
export function actorOf(who: Principal): Actor {
  return { id: who.agentId ?? who.role, role: who.role };
}

/**
 * `cx.escalation.updated.v1` for a change people made (reassigned, taken over, noted, feedback),
 * naming them in `actor`. `discriminator` makes the id unique per action (a note's id, the time
 * of the change) and stable across a retried commit or an outbox replay.
 */
export function actionEvent(change: Extract<EscalationChange, 'reassigned' | 'taken_over' | 'noted' | 'feedback'>, e: StoredEscalation,
  actor: Actor, discriminator: string): OutEvent {
  return {
    topic: Topics.escalations,
    event: makeEvent({
      type: 'cx.escalation.updated.v1' as const, source: SOURCE, subject: e.conversationId, tenantid: e.tenantId, time: e.updatedAt,
      id: deterministicId(e.tenantId, e.escalationId, change, discriminator),
      data: { ...publicView(e), change, actor },
    }),
  };
}

type AuditDetail = Omit<AuditRecorded['data'], 'escalationId' | 'conversationId' | 'action' | 'actor' | 'at' | 'severity'>;

/** The audit event on cx.notifications: who did what to which escalation, and when. */
export function auditEvent(action: AuditRecorded['data']['action'], e: Pick<StoredEscalation, 'tenantId' | 'escalationId' | 'conversationId' | 'severity'>,
  actor: Actor, at: string, discriminator: string, detail: AuditDetail = {}): OutEvent {
  return {
    topic: Topics.notifications,
    event: makeEvent({
      type: 'cx.audit.recorded.v1' as const, source: SOURCE, subject: e.conversationId, tenantid: e.tenantId, time: at,
      id: deterministicId(e.tenantId, e.escalationId, 'audit', action, discriminator),
      data: { escalationId: e.escalationId, conversationId: e.conversationId, action, actor, at, severity: e.severity, ...detail },
    }),
  };
}
