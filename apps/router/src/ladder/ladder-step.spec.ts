import { ackTimeoutMs, AgentIndex, mergeRequest, RoutingConfig } from '@cx/routing';
import { agent, reason, request } from '../../../../libs/routing/src/test-fixtures';
import type { StoredEscalation } from '../store/escalation.store';
import { ladderStep } from './ladder-step';

const config = RoutingConfig.parse({});
const HOUR = 3_600_000;
const NOW = Date.parse('2026-03-02T12:00:00Z');
const team = () => new AgentIndex([agent('a1', { load: 1 }), agent('a2'), agent('sup-1', { role: 'supervisor' })]);
const raised = mergeRequest(undefined, request([reason('negative_emotion', 'm1')]), config, new Date(NOW - 3 * HOUR)).escalation;
const timeout = ackTimeoutMs(config, raised.severity);

describe('ladderStep (one check of a ladder timer)', () => {
  it('moves a timed-out step to the next agent at the step\'s due time and arms the next check', () => {
    const ladderAt = new Date(NOW - 2 * HOUR).toISOString();
    const d = ladderStep({ ...raised, tenantId: 'acme', assignee: { kind: 'agent', id: 'a1' }, ladderAt }, team(), config, NOW);
    const due = Date.parse(ladderAt) + timeout;
    expect(d.kind).toBe('step');
    if (d.kind !== 'step') return;
    expect(d.next).toMatchObject({ tenantId: 'acme', assignee: { kind: 'agent', id: 'a2' }, ladderStep: 1, ladderAt: new Date(due).toISOString(), updatedAt: new Date(due).toISOString() });
    expect(d.nextCheckAt).toBe(due + timeout);
    expect(d.notifications.map((n) => n.channel)).toContain('sse');
  });

  it('only re-arms the timer when the step is not due yet', () => {
    const ladderAt = new Date(NOW - 60_000).toISOString();
    expect(ladderStep({ ...raised, tenantId: 'acme', assignee: { kind: 'agent', id: 'a1' }, ladderAt }, team(), config, NOW))
      .toEqual({ kind: 'reschedule', at: Date.parse(ladderAt) + timeout });
  });

  it('drops the timer of an acknowledged escalation, of one held by a whole team, and of a missing one', () => {
    const base: StoredEscalation = { ...raised, tenantId: 'acme', assignee: { kind: 'agent', id: 'a1' } };
    expect(ladderStep({ ...base, status: 'acknowledged' }, team(), config, NOW)).toEqual({ kind: 'unschedule' });
    expect(ladderStep({ ...base, assignee: { kind: 'team', id: 'support' } }, team(), config, NOW)).toEqual({ kind: 'unschedule' });
    expect(ladderStep(undefined, team(), config, NOW)).toEqual({ kind: 'unschedule' });
  });
});
