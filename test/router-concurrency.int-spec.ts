import { Topics } from '@cx/contracts';
import { escalationId } from '@cx/routing';
import { uniq } from './support/ids';
import { agentBody, escalationRequest, KEYS, RouterFixture } from './support/router-fixture';
import { waitFor } from './support/wait-for';

type Data = Record<string, any>;

/**
 * Acknowledgements racing the consumer on the same escalation (optimistic concurrency with WATCH),
 * and the ladder going on when an instance dies.
 */
describe('router: concurrent writers and a crashed instance', () => {
  const fx = new RouterFixture({ defaults: { ackTimeouts: { critical: 'PT1S', high: 'PT1S', medium: 'PT1S', low: 'PT1S' } } });

  beforeAll(async () => {
    await fx.start(2);
    for (const [id, role] of [['a1', 'agent'], ['a2', 'agent'], ['sup-1', 'supervisor']] as const) {
      expect((await fx.putAgent(id, agentBody(id, role))).status).toBe(200);
    }
  }, 120_000);
  afterAll(() => fx.stop(), 60_000);

  it('loses neither an acknowledgement nor a merged reason when both hit one escalation at once', async () => {
    const escalations = await fx.kafka.collect(Topics.escalations);
    const conv = uniq('conv-race');
    const id = escalationId('default', conv, 1);
    await fx.kafka.produce(Topics.escalations, [escalationRequest(conv, [{ code: 'negative_emotion', detail: 'first' }])]);
    await waitFor('raised', () => escalations.find((m) => m.json?.subject === conv && m.json.type === 'cx.escalation.raised.v1'));
    // 30 more requests (new causes, one per message so each is its own batch) while acks hit both instances.
    const more = Array.from({ length: 30 }, (_, i) => escalationRequest(conv, [{ code: 'negative_emotion', detail: `again ${i}` }]));
    const produced = (async () => { for (const r of more) await fx.kafka.produce(Topics.escalations, [r]); })();
    const acks = (async () => {
      for (let i = 0; i < 20; i++) {
        const r = await fx.api(`/api/escalations/${id}/ack`, KEYS.supervisor, { method: 'POST' }, fx.routers[i % 2].url);
        expect(r.status).toBe(200);
      }
    })();
    await Promise.all([produced, acks]);
    const final = await waitFor('all reasons merged', async () => {
      const e = ((await fx.api('/api/escalations?status=all', KEYS.supervisor)).body as Data[]).find((x) => x.escalationId === id);
      return e && e.reasons.length === 31 ? e : undefined;
    });
    expect(final.status).toBe('acknowledged');
    expect(final.acknowledgedBy).toBe('sup-1');
    expect(escalations.filter((m) => m.json?.subject === conv && m.json.type === 'cx.escalation.acknowledged.v1')).toHaveLength(1);
  }, 60_000);

  it('keeps climbing the ladder, each step once, after one instance is killed', async () => {
    const notifications = await fx.kafka.collect(Topics.notifications);
    const escalations = await fx.kafka.collect(Topics.escalations);
    const conv = uniq('conv-crash');
    await fx.kafka.produce(Topics.escalations, [escalationRequest(conv, [{ code: 'negative_emotion', detail: 'upset' }])]);
    await waitFor('raised', () => escalations.find((m) => m.json?.subject === conv && m.json.type === 'cx.escalation.raised.v1'));
    await fx.routers[1].stop('SIGKILL');
    // A timer the dead instance had claimed comes back after its 30 s lease; the others go on at once.
    await waitFor('every step of the ladder', () => new Set(notifications.filter((m) => m.json?.subject === conv).map((m) => (m.json!.data as Data).step)).size === 4, 45_000);
    const steps = notifications.filter((m) => m.json?.subject === conv).map((m) => `${(m.json!.data as Data).step}:${(m.json!.data as Data).recipient}`);
    // a1 still carries the first test's escalation, so a2 (least loaded) comes first.
    expect(steps.sort()).toEqual(['0:a2', '1:a1', '2:sup-1', '3:sup-1']);
  }, 60_000);
});
