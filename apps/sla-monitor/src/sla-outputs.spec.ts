import { EscalationRequestedV1, SlaBreachedV1 } from '@cx/contracts';
import { compilePolicies, SlaSimulator } from '@cx/sla';
import { EventFactory } from '../../../libs/sla/src/testing/events';
import { firingOutputs } from './sla-outputs';

// The SLA outputs carry the trace context of the event that started the clock (docs/contract.md (Envelope)).
const policies = compilePolicies({ policies: [{ id: 'chat', match: { channel: 'chat' }, targets: { firstResponse: 'PT1M' } }] });
const TP = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

describe('firingOutputs', () => {
  it('passes the starting event’s traceparent/tracestate as the cause of the SLA event and the escalation request', () => {
    const c = new EventFactory('c1');
    c.envelope = { traceparent: TP, tracestate: 'vendor=1' };
    const sim = new SlaSimulator(policies);
    sim.process(c.customer('2026-03-03T10:00:00Z'));
    const [breach] = sim.finish(Date.parse('2026-03-03T11:00:00Z'));
    const out = firingOutputs(breach, sim.states.get('c1'), 'breach');
    expect(out.map((o) => [o.event.type, (o.event as { traceparent?: string }).traceparent, (o.event as { tracestate?: string }).tracestate])).toEqual([
      ['cx.sla.breached.v1', TP, 'vendor=1'],
      ['cx.escalation.requested.v1', TP, 'vendor=1'],
    ]);
    expect(SlaBreachedV1.safeParse(out[0].event).success).toBe(true);
    expect(EscalationRequestedV1.safeParse(out[1].event).success).toBe(true);
  });

  it('an unmatched promise: policyId null in both events, "no policy" in the text', () => {
    const c = new EventFactory('c2', 'email');
    const sim = new SlaSimulator(policies);
    sim.process(c.promiseMade('2026-03-03T10:00:00Z', 'cb', '2026-03-03T10:30:00Z'));
    const [breach] = sim.finish(Date.parse('2026-03-03T11:00:00Z'));
    const [sla, request] = firingOutputs(breach, sim.states.get('c2'), 'breach');
    expect((sla.event as unknown as { data: { policyId: unknown } }).data.policyId).toBeNull();
    const reason = (request.event as unknown as { data: { reasons: Array<{ detail: string; sla: { policyId: unknown } }> } }).data.reasons[0];
    expect(reason.sla.policyId).toBeNull();
    expect(reason.detail).toContain('(no policy)');
    expect(EscalationRequestedV1.safeParse(request.event).success).toBe(true);
    expect((sla.event as { traceparent?: string }).traceparent).toBeUndefined();
  });

  it('sends the tier, priority and queue in force when the threshold fired (after an update)', () => {
    const c = new EventFactory('c3');
    const sim = new SlaSimulator(policies);
    sim.process(c.opened('2026-03-03T10:00:00Z', { tier: 'standard', priority: 'normal', queue: 'billing' }));
    sim.process(c.customer('2026-03-03T10:00:01Z'));
    sim.process(c.updated('2026-03-03T10:00:20Z', { priority: 'urgent', tier: 'vip' }));
    const [breach] = sim.finish(Date.parse('2026-03-03T11:00:00Z'));
    const [, request] = firingOutputs(breach, sim.states.get('c3'), 'breach');
    const d = (request.event as unknown as { data: { customer: { tier?: string }; context?: { priority?: string; queue?: string } } }).data;
    expect(d.customer.tier).toBe('vip');
    expect(d.context).toMatchObject({ priority: 'urgent', queue: 'billing' });
    expect(EscalationRequestedV1.safeParse(request.event).success).toBe(true);
  });
});
