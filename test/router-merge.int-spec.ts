import { randomUUID } from 'node:crypto';
import { Topics } from '@cx/contracts';
import { uniq } from './support/ids';
import { escalationRequest, KEYS, RouterFixture } from './support/router-fixture';
import { waitFor } from './support/wait-for';

type Data = Record<string, any>;

describe('router: merging requests and customer context over real Kafka and Redis', () => {
  const fx = new RouterFixture();

  beforeAll(() => fx.start(1), 120_000);
  afterAll(() => fx.stop(), 60_000);

  it('merges two detectors\' requests into one escalation, and replays change nothing', async () => {
    const escalations = await fx.kafka.collect(Topics.escalations);
    const conv = uniq('conv-merge');
    const customerId = uniq('cust');
    const fromEmotion = escalationRequest(conv, [{ code: 'negative_emotion', detail: 'angry message', causeId: `sig-${conv}` }], { customerId });
    const dueAt = new Date(Date.now() + 3_600_000).toISOString();
    const fromSla = escalationRequest(conv, [{
      code: 'sla_breached', detail: 'first response overdue', causeId: `sla-${conv}`,
      sla: { policyId: 'vip-chat', metric: 'firstResponse', dueAt: new Date().toISOString(), threshold: 1 },
    }], { detector: 'sla-monitor', customerId, openPromises: [{ promiseId: 'p1', kind: 'callback', dueAt, description: 'call back at 3pm' }] });
    await fx.kafka.produce(Topics.escalations, [fromEmotion]);
    await fx.kafka.produce(Topics.escalations, [fromSla]);
    // Replays: the same CloudEvent again, and the same cause under a new event id.
    await fx.kafka.produce(Topics.escalations, [fromEmotion, { ...fromSla, id: randomUUID() }]);
    // A marker on the replayed key itself: the same partition, so it is applied after the replays.
    const marker = escalationRequest(conv, [{ code: 'complaint_intent', detail: 'marker', causeId: `marker-${conv}` }], { customerId });
    await fx.kafka.produce(Topics.escalations, [marker]);
    const hasMarker = (m: (typeof escalations)[number]) => (m.json?.data as Data | undefined)?.reasons?.some((r: Data) => r.code === 'complaint_intent');
    await waitFor('marker merged', () => escalations.find((m) => m.json?.subject === conv && m.json.type === 'cx.escalation.updated.v1' && hasMarker(m)));

    const out = escalations.filter((m) => m.json?.subject === conv && m.json.type !== 'cx.escalation.requested.v1');
    // raised, the SLA merge, the marker's merge: the replays in between changed nothing.
    expect(out.map((m) => m.json!.type)).toEqual(['cx.escalation.raised.v1', 'cx.escalation.updated.v1', 'cx.escalation.updated.v1']);
    const updated = out[1].json!.data as Data;
    expect(updated.change).toBe('merged');
    expect(updated.escalationId).toBe((out[0].json!.data as Data).escalationId);
    expect(updated.reasons.map((r: Data) => r.code)).toEqual(['negative_emotion', 'sla_breached']);
    expect(updated.severity).toBe('high');
    expect(updated.context.openPromises).toEqual([{ promiseId: 'p1', kind: 'callback', dueAt, description: 'call back at 3pm' }]);
    expect(updated.suggestedActions.length).toBeGreaterThan(0);

    const list = await fx.api('/api/escalations?status=open', KEYS.supervisor);
    expect(list.status).toBe(200);
    expect(list.body.filter((e: Data) => e.conversationId === conv)).toHaveLength(1);
    expect(list.body.find((e: Data) => e.conversationId === conv).reasons).toHaveLength(3);
  }, 60_000);

  it('carries the customer\'s other conversations, flags and promises into a new escalation', async () => {
    const escalations = await fx.kafka.collect(Topics.escalations);
    const customerId = uniq('cust');
    const chat = uniq('conv-chat');
    const email = uniq('conv-email');
    const dueAt = new Date(Date.now() + 7_200_000).toISOString();
    await fx.kafka.produce(Topics.escalations, [
      escalationRequest(chat, [{ code: 'customer_at_risk', detail: 'frustration building up, mail me at jane.doe@example.com' }],
        { customerId, intents: ['unclear_bill'] }),
    ]);
    await fx.kafka.produce(Topics.escalations, [
      escalationRequest(email, [{ code: 'sla_warning', detail: 'reply due soon' }],
        { customerId, channel: 'email', detector: 'sla-monitor', openPromises: [{ promiseId: 'p9', kind: 'reply', dueAt }] }),
    ]);
    const raised = await waitFor('email escalation', () => escalations.find((m) => m.json?.subject === email && m.json.type === 'cx.escalation.raised.v1'));
    const ctx = (raised.json!.data as Data).context;
    expect(ctx.customerId).toBe(customerId);
    expect(ctx.recentInteractions.map((i: Data) => i.conversationId)).toEqual([email, chat]);
    const chatInteraction = ctx.recentInteractions.find((i: Data) => i.conversationId === chat);
    expect(chatInteraction).toMatchObject({ channel: 'chat', negative: true });
    expect(chatInteraction.summary).not.toContain('jane.doe@example.com');
    expect(ctx.flags).toEqual(expect.arrayContaining(['at_risk', 'complaint:unclear_bill']));
    expect(ctx.openPromises.map((p: Data) => p.promiseId)).toEqual(['p9']);
  }, 60_000);

  it('takes agent presence from cx.agents events of any producer', async () => {
    const agentId = uniq('agent');
    await fx.kafka.produce(Topics.agents, [{
      specversion: '1.0', id: randomUUID(), source: 'urn:test:wfm', type: 'cx.agent.updated.v1', time: new Date().toISOString(),
      subject: agentId, tenantid: 'default',
      data: { agentId, name: 'From WFM', teams: ['support'], languages: ['de'], skills: ['billing'], role: 'agent', status: 'busy', maxConcurrent: 2 },
    }]);
    const agent = await waitFor('agent in the directory', async () => (await fx.api('/api/agents', KEYS.admin)).body.find((a: Data) => a.agentId === agentId));
    expect(agent).toMatchObject({ status: 'busy', skills: ['billing'], maxConcurrent: 2 });
    // An older update (event time before the stored one) does not win.
    const markerId = uniq('agent-marker');
    const marker = {
      specversion: '1.0', id: randomUUID(), source: 'urn:test:wfm', type: 'cx.agent.updated.v1', time: new Date().toISOString(), subject: markerId, tenantid: 'default',
      data: { agentId: markerId, name: 'Marker', teams: ['support'], languages: ['de'], skills: [], role: 'agent', status: 'offline' },
    };
    await fx.kafka.produce(Topics.agents, [{
      specversion: '1.0', id: randomUUID(), source: 'urn:test:wfm', type: 'cx.agent.updated.v1', time: new Date(Date.now() - 60_000).toISOString(),
      subject: agentId, tenantid: 'default',
      data: { agentId, name: 'Stale', teams: ['support'], languages: ['de'], skills: [], role: 'agent', status: 'offline' },
    }, marker], 0);
    // The marker was sent after the stale update to the same partition: once it is applied, so is the stale one.
    await waitFor('marker agent', async () => (await fx.api('/api/agents', KEYS.admin)).body.find((a: Data) => a.agentId === markerId));
    expect((await fx.api('/api/agents', KEYS.admin)).body.find((a: Data) => a.agentId === agentId).status).toBe('busy');
  }, 30_000);
});
