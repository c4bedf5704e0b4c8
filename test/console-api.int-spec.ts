import type Redis from 'ioredis';
import { Topics } from '@cx/contracts';
import { KeySpace } from '@cx/redis';
import { RouterKeys } from '../apps/router/src/router-keys';
import { escalationId } from '@cx/routing';
import { uniq } from './support/ids';
import { agentBody, escalationRequest, KEYS, RouterFixture } from './support/router-fixture';
import { metricValue, requestWithMessages, testRedis } from './support/console-fixture';
import { waitFor } from './support/wait-for';

type Data = Record<string, any>;

/** The console's router API against a real router on real Kafka and Redis. */
describe('console API: reassign, take over, notes, feedback, history, presence, wallboard', () => {
  const fx = new RouterFixture({ teams: { default: 'support' } });
  let redis: Redis;
  let escalations: Awaited<ReturnType<typeof fx.kafka.collect>>;
  let notifications: Awaited<ReturnType<typeof fx.kafka.collect>>;

  beforeAll(async () => {
    await fx.start(1);
    redis = testRedis();
    for (const [id, body] of [
      ['a1', agentBody('Agent One', 'agent')], ['a2', agentBody('Agent Two', 'agent', { maxConcurrent: 4 })],
      ['sup-1', agentBody('Sue Pervisor', 'supervisor', { teams: ['support', 'billing'] })],
      ['b1', agentBody('Bill Ing', 'agent', { teams: ['billing'] })],
    ] as const) expect((await fx.putAgent(id, body)).status).toBe(200);
    escalations = await fx.kafka.collect(Topics.escalations);
    notifications = await fx.kafka.collect(Topics.notifications);
  }, 120_000);
  afterAll(async () => {
    redis?.disconnect();
    await fx.stop();
  }, 60_000);

  const post = (path: string, key: string, body: unknown = {}) => fx.api(path, key, { method: 'POST', body: JSON.stringify(body) });
  const visibleTo = async (key: string, id: string) =>
    ((await fx.api('/api/escalations', key)).body as Data[]).some((e) => e.escalationId === id);
  const audits = (id: string) => notifications.filter((m) => m.json?.type === 'cx.audit.recorded.v1' && m.json.data.escalationId === id).map((m) => m.json!.data as Data);

  async function raise(conv: string, messages = [{ messageId: uniq('m'), text: 'This is outrageous, call me on +49 170 1234567!' }]) {
    await fx.kafka.produce(Topics.escalations, [requestWithMessages(conv, [{ code: 'negative_emotion', detail: 'angry customer' }], messages, { customerId: `cust-${conv}` })]);
    const id = escalationId('default', conv, 1);
    return waitFor(`escalation of ${conv}`, async () => ((await fx.api(`/api/escalations/${id}`, KEYS.admin)).body as Data)?.assignee ? id : undefined);
  }

  it('walks an escalation through reassign, note, feedback, take-over and resolve, each an event with who did it', async () => {
    const conv = uniq('conv-walk');
    const id = await raise(conv);
    const raised = (await fx.api(`/api/escalations/${id}`, KEYS.admin)).body as Data;
    expect(raised.context.lastMessages).toEqual([expect.objectContaining({ text: 'This is outrageous, call me on [phone]!', negative: true })]);
    expect(raised.assignee).toEqual({ kind: 'agent', id: 'a1' });
    // Who has it until when: the ladder's deadline (low: PT60M) and another agent next.
    expect(raised.ladder.next).toBe('agent');
    expect(Date.parse(raised.ladder.ackDueAt) - Date.parse(raised.createdAt)).toBe(60 * 60_000);
    expect(await visibleTo(KEYS.agentA1, id)).toBe(true);
    expect(await visibleTo(KEYS.agentA2, id)).toBe(false);

    // Reassign to a2: it leaves a1's view and enters a2's, with a fresh ladder step for a2.
    const moved = await post(`/api/escalations/${id}/reassign`, KEYS.supervisor, { agentId: 'a2', note: 'a2 knows this customer' });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ assignee: { kind: 'agent', id: 'a2' }, status: 'open', ladderStep: 0 });
    expect(moved.body.notes).toEqual([expect.objectContaining({ text: 'a2 knows this customer', by: { id: 'sup-1', role: 'supervisor' } })]);
    expect(await visibleTo(KEYS.agentA1, id)).toBe(false);
    expect(await visibleTo(KEYS.agentA2, id)).toBe(true);

    const note = await post(`/api/escalations/${id}/notes`, KEYS.agentA2, { text: 'Customer asked to be mailed at max.mustermann@example.de' });
    expect(note.status).toBe(201);
    expect(note.body.notes.at(-1)).toMatchObject({ text: 'Customer asked to be mailed at [email]', by: { id: 'a2', role: 'agent' } });

    const fb = await post(`/api/escalations/${id}/feedback`, KEYS.supervisor, { reason: 'not_negative', note: 'ironic, not angry' });
    expect(fb.status).toBe(201);
    expect(fb.body.label).toMatchObject({ tenant: 'default', escalationId: id, verdict: 'not_negative', negative: false, language: 'en', by: 'sup-1' });
    const key = new RouterKeys(new KeySpace(`${fx.prefix}:`, 'rt', 32)).feedbackLabels('default').key;
    const stored = (await redis.lrange(key, 0, -1)).map((s) => JSON.parse(s));
    expect(stored[0]).toMatchObject({ escalationId: id, text: 'This is outrageous, call me on [phone]!', verdict: 'not_negative', note: 'ironic, not angry' });
    const ttl = await redis.pttl(key);
    expect(ttl).toBeGreaterThan(179 * 24 * 3600_000); // the default retention.feedback: P180D
    expect(await metricValue(fx.url, 'cx_router_feedback_total', { tenant: 'default', verdict: 'not_negative' })).toBe(1);

    // An agent cannot take over; the supervisor can, which acknowledges it and stops the ladder.
    expect((await post(`/api/escalations/${id}/take-over`, KEYS.agentA2)).status).toBe(403);
    const taken = await post(`/api/escalations/${id}/take-over`, KEYS.supervisor);
    expect(taken.status).toBe(200);
    expect(taken.body).toMatchObject({ status: 'acknowledged', assignee: { kind: 'supervisor', id: 'sup-1' }, acknowledgedBy: 'sup-1' });
    expect(taken.body.ladder).toBeUndefined();
    expect(await visibleTo(KEYS.agentA2, id)).toBe(false);

    const done = await post(`/api/escalations/${id}/resolve`, KEYS.supervisor);
    expect(done.body).toMatchObject({ status: 'resolved', resolvedBy: 'sup-1' });

    // Every action is on cx.escalations (the change) and on cx.notifications (the audit, naming who).
    await waitFor('audit of the resolve', () => audits(id).find((a) => a.action === 'resolve'));
    expect(audits(id).map((a) => [a.action, a.actor.id, a.actor.role])).toEqual([
      ['reassign', 'sup-1', 'supervisor'], ['note', 'sup-1', 'supervisor'], ['note', 'a2', 'agent'],
      ['feedback', 'sup-1', 'supervisor'], ['take_over', 'sup-1', 'supervisor'], ['resolve', 'sup-1', 'supervisor'],
    ]);
    expect(audits(id)[0]).toMatchObject({ from: { kind: 'agent', id: 'a1' }, to: { kind: 'agent', id: 'a2' } });
    expect(audits(id)[3].verdict).toBe('not_negative');
    await waitFor('change events', () => escalations.some((m) => m.json?.type === 'cx.escalation.resolved.v1' && m.json.data.escalationId === id));
    const changes = escalations.filter((m) => m.json?.subject === conv && m.json.type !== 'cx.escalation.requested.v1')
      .map((m) => m.json!.data.change ?? m.json!.type);
    expect(changes).toEqual(['cx.escalation.raised.v1', 'reassigned', 'noted', 'feedback', 'taken_over', 'cx.escalation.resolved.v1']);
    expect(escalations.find((m) => m.json?.data.change === 'reassigned' && m.json.subject === conv)!.json!.data.actor).toEqual({ id: 'sup-1', role: 'supervisor' });

    // The history has it, with its times; the supervisor and the agents who held it see it.
    const today = await fx.api(`/api/history?team=support&limit=200`, KEYS.supervisor);
    const item = (today.body.items as Data[]).find((h) => h.escalationId === id)!;
    expect(item).toMatchObject({ resolvedBy: 'sup-1', acknowledgedBy: 'sup-1' });
    expect(item.timeToAcknowledgeMs).toBe(Date.parse(item.acknowledgedAt) - Date.parse(item.createdAt));
    expect(item.timeToResolveMs).toBe(Date.parse(item.resolvedAt) - Date.parse(item.createdAt));
    expect(item.timeToResolveMs).toBeGreaterThanOrEqual(item.timeToAcknowledgeMs);
    // a2 held it before the take-over, not any more: like the live view, the history shows agents what is theirs.
    expect(((await fx.api('/api/history', KEYS.agentA2)).body.items as Data[]).map((h) => h.escalationId)).not.toContain(id);
    expect(((await fx.api('/api/history?team=billing', KEYS.supervisor)).body.items as Data[]).map((h) => h.escalationId)).not.toContain(id);
  }, 90_000);

  it('pages and exports the history by day and team; other tenants and bad input are refused', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const id = await raise(uniq('conv-hist'));
      expect((await post(`/api/escalations/${id}/resolve`, KEYS.supervisor)).status).toBe(200);
      ids.push(id);
    }
    const first = await fx.api('/api/history?limit=2', KEYS.admin);
    expect(first.status).toBe(200);
    expect(first.body.items.map((h: Data) => h.escalationId)).toEqual([ids[2], ids[1]]); // newest first
    expect(first.body.nextOffset).toBe(2);
    const second = await fx.api(`/api/history?limit=2&offset=${first.body.nextOffset}`, KEYS.admin);
    expect(second.body.items[0].escalationId).toBe(ids[0]);
    expect(second.body.total).toBe(first.body.total);
    // Each agent's history has the ones they held when resolved, and only those.
    const all = (await fx.api('/api/history?limit=200', KEYS.admin)).body.items as Data[];
    const heldBy = (agent: string) => all.filter((h) => h.assignee?.id === agent).map((h) => h.escalationId).sort();
    expect(heldBy('a1').length + heldBy('a2').length).toBeGreaterThanOrEqual(ids.length);
    for (const [key, agent] of [[KEYS.agentA1, 'a1'], [KEYS.agentA2, 'a2']] as const) {
      const mine = ((await fx.api('/api/history?limit=200', key)).body.items as Data[]).map((h) => h.escalationId).sort();
      expect(mine).toEqual(heldBy(agent));
    }

    const day = new Date().toISOString().slice(0, 10);
    const byDay = await fx.api(`/api/history?day=${day}&tz=UTC&team=support&limit=200`, KEYS.supervisor);
    expect(byDay.body.items.map((h: Data) => h.escalationId)).toEqual(expect.arrayContaining(ids));
    expect((await fx.api('/api/history?day=2001-01-01&tz=Europe/Berlin', KEYS.supervisor)).body.total).toBe(0);

    const csv = await fetch(`${fx.url}/api/history.csv?day=${day}&team=support`, { headers: { Authorization: `Bearer ${KEYS.supervisor}` } });
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csv.headers.get('content-disposition')).toMatch(/attachment; filename="escalations-\d{4}-\d{2}-\d{2}-support\.csv"/);
    const lines = (await csv.text()).trim().split('\r\n');
    expect(lines[0]).toMatch(/^resolvedAt,escalationId,conversationId,/);
    for (const id of ids) expect(lines.some((l) => l.includes(id))).toBe(true);

    // Another tenant's ids are simply not found; its history is empty.
    for (const [path, body] of [[`reassign`, { agentId: 'a2' }], ['take-over', {}], ['notes', { text: 'x' }], ['feedback', {}]] as const) {
      expect((await post(`/api/escalations/${ids[0]}/${path}`, KEYS.otherTenant, body)).status).toBe(404);
    }
    expect((await fx.api(`/api/escalations/${ids[0]}`, KEYS.otherTenant)).status).toBe(404);
    expect((await fx.api('/api/history', KEYS.otherTenant)).body.total).toBe(0);

    // Bad requests get a 400 that names the field.
    const open = await raise(uniq('conv-bad'));
    const bad = async (path: string, body: unknown) => (await post(`/api/escalations/${open}/${path}`, KEYS.supervisor, body));
    expect((await bad('reassign', {})).body.message).toMatch(/agentId or a team/);
    expect((await bad('reassign', { agentId: 'nobody' })).body.message).toMatch(/not in the directory/);
    expect((await bad('feedback', { reason: 'bogus' })).body.message).toMatch(/reason/);
    expect((await bad('notes', { text: '   ' })).status).toBe(400);
    expect((await bad('notes', { text: 'x', extra: 1 })).status).toBe(400);
    expect((await fx.api('/api/history?limit=0', KEYS.supervisor)).body.message).toMatch(/limit/);
    expect((await fx.api('/api/history?day=2026-13-45', KEYS.supervisor)).status).toBe(400);
    expect((await fx.api('/api/history?tz=Mars/Olympus', KEYS.supervisor)).body.message).toMatch(/tz/);
    expect((await post(`/api/escalations/${ids[0]}/notes`, KEYS.supervisor, { text: 'too late' })).status).toBe(409);
  }, 90_000);

  it('takes feedback on a resolved escalation that only the history still holds', async () => {
    const conv = uniq('conv-later');
    const id = await raise(conv, [{ messageId: 'm-1', text: 'Ich warte gern, kein Problem.' }]);
    await post(`/api/escalations/${id}/resolve`, KEYS.supervisor);
    // A new escalation of the same conversation (outside the cool-down: a new reason code) replaces it.
    await fx.kafka.produce(Topics.escalations, [escalationRequest(conv, [{ code: 'sla_breached', detail: 'late' }], { detector: 'sla-monitor' })]);
    await waitFor('second escalation', async () => (await fx.api(`/api/escalations/${escalationId('default', conv, 2)}`, KEYS.admin)).status === 200);
    const fb = await post(`/api/escalations/${id}/feedback`, KEYS.supervisor, { reason: 'not_negative' });
    expect(fb.status).toBe(201);
    expect(fb.body.label).toMatchObject({ messageId: 'm-1', text: 'Ich warte gern, kein Problem.', negative: false });
    const item = ((await fx.api('/api/history?limit=200', KEYS.supervisor)).body.items as Data[]).find((h) => h.escalationId === id)!;
    expect(item.feedback).toEqual([expect.objectContaining({ verdict: 'not_negative' })]);
  }, 60_000);

  it('shows presence per team and the wallboard', async () => {
    const conv = uniq('conv-wall');
    await fx.kafka.produce(Topics.escalations, [escalationRequest(conv, [{ code: 'customer_at_risk', detail: 'leaving' }], { customerId: 'cust-risk' })]);
    const id = escalationId('default', conv, 1);
    await waitFor('raised', async () => (await fx.api(`/api/escalations/${id}`, KEYS.admin)).status === 200);
    const presence = await fx.api('/api/presence', KEYS.supervisor);
    const support = (presence.body.teams as Data[]).find((t) => t.team === 'support')!;
    expect(support.agents.map((a: Data) => a.agentId).sort()).toEqual(['a1', 'a2', 'sup-1']);
    expect(support).toMatchObject({ online: 3, available: 3, capacity: 14 });
    expect(support.load).toBe(support.agents.reduce((s: number, a: Data) => s + a.load, 0));
    expect(((await fx.api('/api/presence', KEYS.agentA1)).body.teams as Data[]).map((t) => t.team)).toEqual(['support']);

    const wall = await fx.api(`/api/console/wallboard?since=${encodeURIComponent(new Date(Date.now() - 3600_000).toISOString())}`, KEYS.supervisor);
    expect(wall.status).toBe(200);
    expect(wall.body.totals.customersAtRiskList).toEqual(expect.arrayContaining([{ customerId: 'cust-risk', escalationId: id, severity: 'high' }]));
    expect(wall.body.totals.open.high).toBeGreaterThanOrEqual(1);
    expect(wall.body.totals.resolved).toBeGreaterThanOrEqual(4);
    expect(wall.body.teams.map((t: Data) => t.team)).toEqual(expect.arrayContaining(['billing', 'support']));
    expect(wall.body.totals.sla).toMatchObject({ source: 'sla-monitor', met: 0, breached: 0, attainment: null });
    expect((await fx.api('/api/me', KEYS.agentA1)).body).toEqual({ role: 'agent', tenant: 'default', teams: ['support'], agentId: 'a1', via: 'api_key' });
  }, 60_000);
});
