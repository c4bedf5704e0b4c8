import { Topics } from '@cx/contracts';
import { startReceiver } from './support/http-receiver';
import { uniq } from './support/ids';
import { escalationRequest, RouterFixture } from './support/router-fixture';
import { waitFor } from './support/wait-for';

type Data = Record<string, any>;

describe('router: outbound webhooks with retries against a local receiver', () => {
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let fx: RouterFixture;

  beforeAll(async () => {
    // support fails twice and then accepts; billing never accepts.
    receiver = await startReceiver((path, n) => (path.includes('/support/') ? (n <= 2 ? 500 : 200) : 503));
    fx = new RouterFixture({
      defaults: {
        teams: {
          rules: [{ match: { channels: ['email'] }, team: 'billing' }],
          settings: {
            support: { webhookUrl: `${receiver.url}/hooks/support/secret-token-support` },
            billing: { webhookUrl: `${receiver.url}/hooks/billing/secret-token-billing` },
          },
        },
      },
    }, { ROUTER_WEBHOOK_MAX_ATTEMPTS: '3', ROUTER_WEBHOOK_BACKOFF_MS: '200', LOG_LEVEL: 'log' });
    await fx.start(1);
  }, 120_000);
  afterAll(async () => {
    await fx.stop();
    await receiver.close();
  }, 60_000);

  it('retries with growing backoff until the receiver accepts, with a masked Slack payload', async () => {
    const notifications = await fx.kafka.collect(Topics.notifications);
    const conv = uniq('conv-hook');
    await fx.kafka.produce(Topics.escalations, [escalationRequest(conv, [{
      code: 'negative_emotion', detail: 'Customer wrote: call me on +49 170 1234567 or jane.doe@example.com, this is a disgrace',
      evidence: [{ cue: 'disgrace', kind: 'lexicon', text: 'disgrace' }],
    }], { customerId: 'cust-secret-id' })]);
    const hits = () => receiver.received.filter((r) => r.path.includes('/support/'));
    await waitFor('third attempt accepted', () => hits().length === 3, 15_000);
    expect(hits().map((h) => h.status)).toEqual([500, 500, 200]);
    const [a, b, c] = hits().map((h) => h.at);
    expect(b - a).toBeGreaterThanOrEqual(180);
    expect(c - b).toBeGreaterThan(b - a);

    const payload = hits()[2].body as Data;
    expect(typeof payload.text).toBe('string');
    expect(payload.text).toContain(conv);
    expect(Array.isArray(payload.blocks)).toBe(true);
    expect(payload.blocks[0]).toMatchObject({ type: 'header' });
    const json = JSON.stringify(payload);
    expect(json).toContain('disgrace');
    expect(json).not.toContain('jane.doe@example.com');
    expect(json).not.toContain('1234567');
    expect(json).not.toContain('cust-secret-id');

    const sent = await waitFor('delivered notification', () => notifications.find((m) => m.json?.subject === conv && (m.json.data as Data).outcome === 'delivered'));
    expect(sent.json!.data).toMatchObject({ channel: 'webhook', recipient: 'webhook:support', step: 0, attempts: 3 });
    expect(notifications.filter((m) => m.json?.subject === conv).map((m) => (m.json!.data as Data).outcome)).toEqual(['failed', 'delivered']);
  }, 30_000);

  it('dead-letters a delivery after the last attempt, without holding up the consumer', async () => {
    const notifications = await fx.kafka.collect(Topics.notifications);
    const escalations = await fx.kafka.collect(Topics.escalations);
    const conv = uniq('conv-billing');
    await fx.kafka.produce(Topics.escalations, [escalationRequest(conv, [{ code: 'complaint_intent', detail: 'bill is wrong' }], { channel: 'email' })]);
    // The consumer goes on while the webhook is failing.
    const next = uniq('conv-next');
    await fx.kafka.produce(Topics.escalations, [escalationRequest(next, [{ code: 'negative_emotion', detail: 'next one' }])]);
    await waitFor('next raised', () => escalations.find((m) => m.json?.subject === next && m.json.type === 'cx.escalation.raised.v1'), 5_000);

    const dead = await waitFor('dead-lettered', () => notifications.find((m) => m.json?.subject === conv && (m.json.data as Data).outcome === 'dead_lettered'), 15_000);
    expect(dead.json!.data).toMatchObject({ channel: 'webhook', recipient: 'webhook:billing', attempts: 3 });
    // The dead-letter commit removed the job: the three attempts before it are all there is.
    expect(receiver.received.filter((r) => r.path.includes('/billing/'))).toHaveLength(3);

    const metrics = await (await fetch(`${fx.url}/metrics`)).text();
    expect(metrics).toMatch(/cx_router_webhook_deliveries_total\{outcome="failed"[^}]*\} 5/);
    expect(metrics).toMatch(/cx_router_webhook_deliveries_total\{outcome="delivered"[^}]*\} [1-9]/);
    expect(metrics).toMatch(/cx_router_webhook_dead_letters_total\{[^}]*\} 1/);
    expect(metrics).toMatch(/cx_router_notifications_total\{channel="webhook",outcome="dead_lettered"[^}]*\} 1/);
    // The URL is a secret: not in the log, not on Kafka.
    expect(fx.output()).toContain('dead-lettered');
    expect(fx.output()).not.toContain('secret-token');
    expect(JSON.stringify(notifications.map((m) => m.json))).not.toContain('secret-token');
  }, 30_000);
});
