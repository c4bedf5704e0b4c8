import { Topics } from '@cx/contracts';
import { uniq } from './support/ids';
import { agentBody, escalationRequest, KEYS, RouterFixture } from './support/router-fixture';
import { openSse } from './support/sse-client';
import { waitFor } from './support/wait-for';

type Data = Record<string, any>;

/** The ladder with one-second acknowledgement timeouts, on two router instances sharing Redis. */
describe('router: escalation ladder over real Kafka and Redis', () => {
  const fx = new RouterFixture({
    defaults: { ackTimeouts: { critical: 'PT1S', high: 'PT1S', medium: 'PT1S', low: 'PT1S' }, ladder: { agentSteps: 2 } },
  });

  beforeAll(async () => {
    await fx.start(2);
    for (const [id, role] of [['a1', 'agent'], ['a2', 'agent'], ['sup-1', 'supervisor'], ['sup-2', 'supervisor']] as const) {
      expect((await fx.putAgent(id, agentBody(id, role))).status).toBe(200);
    }
  }, 120_000);
  afterAll(() => fx.stop(), 60_000);

  it('moves an unacknowledged escalation a1 → a2 → supervisor → all supervisors, each step once', async () => {
    const notifications = await fx.kafka.collect(Topics.notifications);
    const escalations = await fx.kafka.collect(Topics.escalations);
    const a1 = await openSse(`${fx.url}/api/stream`, KEYS.agentA1);
    const a2 = await openSse(`${fx.routers[1].url}/api/stream`, KEYS.agentA2);
    const conv = uniq('conv-ladder');
    await fx.kafka.produce(Topics.escalations, [escalationRequest(conv, [{ code: 'negative_emotion', detail: 'customer is upset' }])]);

    const forConv = () => notifications.filter((m) => m.json?.subject === conv).map((m) => m.json!.data as Data);
    await waitFor('the last ladder step (all supervisors)', () => forConv().filter((n) => n.step === 3).length === 2, 20_000);
    // Each step commits once (guarded): what arrived up to the end of the ladder holds no duplicate.
    const steps = forConv().map((n) => `${n.step}:${n.channel}:${n.recipient}:${n.outcome}`).sort();
    expect(steps).toEqual([
      '0:sse:a1:delivered', '1:sse:a2:delivered', '2:sse:sup-1:delivered', '3:sse:sup-1:delivered', '3:sse:sup-2:delivered',
    ]);
    // The step's escalation update is on another topic, read by another collector: wait for it too.
    const updatesOf = () => escalations.filter((m) => m.json?.subject === conv && m.json.type === 'cx.escalation.updated.v1');
    await waitFor('the last step\'s escalation update', () => updatesOf().some((m) => (m.json!.data as Data).assignee.kind === 'team'), 10_000);
    const updates = updatesOf();
    expect(updates.map((m) => `${(m.json!.data as Data).change}:${(m.json!.data as Data).assignee.kind}`))
      .toEqual(['escalated:agent', 'escalated:supervisor', 'escalated:team']);
    expect(escalations.filter((m) => m.json?.subject === conv && m.json.type === 'cx.escalation.raised.v1')).toHaveLength(1);

    // a1 saw it arrive and then leave; a2 (connected to the other instance) saw it arrive when it was its turn.
    const a1Events = a1.events.filter((e) => (e.data as Data).escalationId === (updates[0].json!.data as Data).escalationId).map((e) => e.event);
    expect(a1Events).toEqual(['raised', 'withdrawn']);
    expect(a2.events.map((e) => e.event)).toEqual(expect.arrayContaining(['escalated', 'withdrawn']));
    a1.close();
    a2.close();

    const metrics = await (await fetch(`${fx.url}/metrics`)).text() + await (await fetch(`${fx.routers[1].url}/metrics`)).text();
    expect(metrics).toMatch(/cx_router_ladder_steps_total\{[^}]*to="agent"/);
    expect(metrics).toMatch(/cx_router_notifications_total\{[^}]*channel="sse",outcome="delivered"/);
  }, 60_000);

  it('stops the ladder when the escalation is acknowledged', async () => {
    const notifications = await fx.kafka.collect(Topics.notifications);
    const escalations = await fx.kafka.collect(Topics.escalations);
    const conv = uniq('conv-ack');
    // A control escalation raised with it, left unacknowledged: once it climbs, the ack'ed one would have too.
    const control = uniq('conv-control');
    await fx.kafka.produce(Topics.escalations, [escalationRequest(conv, [{ code: 'negative_emotion', detail: 'upset again' }])]);
    await fx.kafka.produce(Topics.escalations, [escalationRequest(control, [{ code: 'negative_emotion', detail: 'upset too' }])]);
    const raised = await waitFor('raised', () => escalations.find((m) => m.json?.subject === conv && m.json.type === 'cx.escalation.raised.v1'));
    const e = raised.json!.data as Data;
    const holder = e.assignee.id as string;
    const key = holder === 'a1' ? KEYS.agentA1 : KEYS.agentA2;
    const ack = await fx.api(`/api/escalations/${e.escalationId}/ack`, key, { method: 'POST' });
    expect(ack.status).toBe(200);
    expect(ack.body.status).toBe('acknowledged');
    expect(ack.body.acknowledgedBy).toBe(holder);
    await waitFor('acknowledged event', () => escalations.find((m) => m.json?.subject === conv && m.json.type === 'cx.escalation.acknowledged.v1'));
    await waitFor('the control climbed a step', () => notifications.some((m) => m.json?.subject === control && (m.json.data as Data).step === 1), 10_000);
    expect(notifications.filter((m) => m.json?.subject === conv).map((m) => (m.json!.data as Data).step)).toEqual([0]);
  }, 30_000);
});
