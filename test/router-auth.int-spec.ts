import { Topics } from '@cx/contracts';
import { uniq } from './support/ids';
import { agentBody, escalationRequest, KEYS, RouterFixture } from './support/router-fixture';
import { openSse } from './support/sse-client';
import { waitFor } from './support/wait-for';

type Data = Record<string, any>;

describe('router: auth, tenant isolation and visibility over real Kafka and Redis', () => {
  const fx = new RouterFixture();
  const convs = { a1: '', a2: '' };
  const ids = { a1: '', a2: '' };

  beforeAll(async () => {
    await fx.start(1);
    for (const id of ['a1', 'a2']) expect((await fx.putAgent(id, agentBody(id, 'agent'))).status).toBe(200);
    expect((await fx.putAgent('sup-1', agentBody('sup-1', 'supervisor'))).status).toBe(200);
    const escalations = await fx.kafka.collect(Topics.escalations);
    // Least-loaded first: the first goes to a1, the second to a2 (a1 now carries one).
    for (const who of ['a1', 'a2'] as const) {
      convs[who] = uniq(`conv-${who}`);
      await fx.kafka.produce(Topics.escalations, [escalationRequest(convs[who], [{ code: 'negative_emotion', detail: `for ${who}` }])]);
      const raised = await waitFor('raised', () => escalations.find((m) => m.json?.subject === convs[who] && m.json.type === 'cx.escalation.raised.v1'));
      expect((raised.json!.data as Data).assignee).toEqual({ kind: 'agent', id: who });
      ids[who] = (raised.json!.data as Data).escalationId;
    }
  }, 120_000);
  afterAll(() => fx.stop(), 60_000);

  it('answers 401 without a valid key, on every API route', async () => {
    for (const key of [undefined, 'not-a-valid-key-at-all-0000']) {
      expect((await fx.api('/api/escalations', key)).status).toBe(401);
      expect((await fx.api(`/api/escalations/${ids.a1}/ack`, key, { method: 'POST' })).status).toBe(401);
      expect((await fx.api('/api/agents/a1', key, { method: 'PUT', body: JSON.stringify(agentBody('a1', 'agent')) })).status).toBe(401);
      expect((await fx.api('/api/stream', key)).status).toBe(401);
    }
    expect((await fetch(`${fx.url}/api/stream?access_token=wrong-token-0000000000`)).status).toBe(401);
  });

  it('answers 404 for another tenant\'s escalation and shows it nothing', async () => {
    expect((await fx.api(`/api/escalations/${ids.a1}/ack`, KEYS.otherTenant, { method: 'POST' })).status).toBe(404);
    expect((await fx.api(`/api/escalations/${ids.a1}/resolve`, KEYS.otherTenant, { method: 'POST' })).status).toBe(404);
    expect((await fx.api('/api/escalations', KEYS.otherTenant)).body).toEqual([]);
    expect((await fx.api('/api/agents', KEYS.otherTenant)).body).toEqual([]);
    // Still open for its own tenant.
    const mine = (await fx.api('/api/escalations', KEYS.admin)).body.find((e: Data) => e.escalationId === ids.a1);
    expect(mine.status).toBe('open');
  });

  it('shows agents only what is routed to them, supervisors their teams', async () => {
    const list = async (key: string) => ((await fx.api('/api/escalations', key)).body as Data[]).map((e) => e.escalationId);
    expect(await list(KEYS.agentA1)).toEqual([ids.a1]);
    expect(await list(KEYS.agentA2)).toEqual([ids.a2]);
    expect(await list(KEYS.supervisor)).toEqual(expect.arrayContaining([ids.a1, ids.a2]));
    // a1 may not act on a2's escalation: for a1 it does not exist.
    expect((await fx.api(`/api/escalations/${ids.a2}/ack`, KEYS.agentA1, { method: 'POST' })).status).toBe(404);

    const a1 = await openSse(`${fx.url}/api/stream`, KEYS.agentA1);
    const sup = await openSse(`${fx.url}/api/stream`, KEYS.supervisor);
    const other = await openSse(`${fx.url}/api/stream`, KEYS.otherTenant);
    expect((await fx.api(`/api/escalations/${ids.a2}/ack`, KEYS.agentA2, { method: 'POST' })).body.status).toBe('acknowledged');
    expect((await fx.api(`/api/escalations/${ids.a1}/resolve`, KEYS.agentA1, { method: 'POST' })).body.status).toBe('resolved');
    await waitFor('supervisor sees both', () => sup.events.length === 2);
    // One stream delivers in commit order: the ack of a2's escalation came first, so once a1 has
    // its own resolve, anything about a2's would have arrived before it.
    await waitFor('a1 sees its own', () => a1.events.some((e) => e.event === 'resolved'));
    expect(a1.events.map((e) => [e.event, (e.data as Data).escalationId])).toEqual([['resolved', ids.a1]]);
    expect(sup.events.map((e) => e.event).sort()).toEqual(['acknowledged', 'resolved']);
    expect(other.events).toEqual([]);
    for (const s of [a1, sup, other]) s.close();
  });

  it('validates PUT /api/agents/:id with a 400 that names the field, and keeps agents to themselves', async () => {
    const bad = await fx.putAgent('a9', { name: 'x', teams: ['support'], role: 'boss', status: 'available' });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/role/);
    const extra = await fx.putAgent('a9', { ...agentBody('a9', 'agent'), password: 'x' });
    expect(extra.status).toBe(400);
    expect((await fx.putAgent('bad id!', agentBody('x', 'agent'))).status).toBe(400);
    expect((await fx.putAgent('a2', agentBody('a2', 'agent', { status: 'offline' }), KEYS.agentA1)).status).toBe(403);
    expect((await fx.putAgent('a1', agentBody('a1', 'supervisor'), KEYS.agentA1)).status).toBe(403);
    const self = await fx.putAgent('a1', agentBody('a1', 'agent', { status: 'busy' }), KEYS.agentA1);
    expect(self.status).toBe(200);
    expect((await fx.api('/api/agents', KEYS.admin)).body.find((a: Data) => a.agentId === 'a1').status).toBe('busy');
  });

  it('never writes a key or token into its log', async () => {
    await fetch(`${fx.url}/api/stream?access_token=${KEYS.agentA1}`).then((r) => r.body?.cancel());
    await new Promise((r) => setTimeout(r, 200));
    const log = fx.output();
    for (const key of [...Object.values(KEYS), 'not-a-valid-key-at-all-0000', 'wrong-token-0000000000']) expect(log).not.toContain(key);
  });
});
