// The gateway over real Kafka and Redis in front of the running emotion-detector and router: a
// signed customer message from each connector becomes an escalation on the router's SSE stream,
// and one webhook delivered three times gives one escalation.
import { randomUUID } from 'node:crypto';
import { Topics } from '@cx/contracts';
import { startGatewayProcess, type GatewayProcess } from '../apps/ingest-gateway/src/testing/gateway-process';
import { customerMessage, deliver, type PlatformConnector } from '../apps/ingest-gateway/src/testing/platform-client';
import { uniq } from './support/ids';
import { openSse } from './support/sse-client';
import { StackFixture, SUPERVISOR_KEY } from './support/stack-fixture';
import { waitFor } from './support/wait-for';

const ANGRY = 'This is unacceptable! I have been waiting for three weeks and nobody helps me.';
interface Esc { conversationId: string; reasons: { code: string }[] }
const thread = () => String(Date.now() % 1e9) + String(Math.floor(Math.random() * 1e4)).padStart(4, '0');

async function consumed(url: string, topic: string, outcome: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('cx_messages_consumed_total{') && l.includes(`topic="${topic}"`) && l.includes(`outcome="${outcome}"`));
  return line ? Number(line.split(' ').pop()) : 0;
}

describe('ingest gateway → detectors → router (real Kafka and Redis)', () => {
  const stack = new StackFixture();
  let gw: GatewayProcess;

  beforeAll(async () => {
    await stack.start('emotion-detector', 'router');
    gw = await startGatewayProcess(stack.env);
  }, 120_000);
  afterAll(async () => {
    await gw?.stop();
    await stack.stop();
  }, 60_000);

  it.each<PlatformConnector>(['chatwoot', 'zendesk', 'twilio', 'amazon-connect', 'cloudevents'])('a signed %s webhook becomes an escalation over SSE', async (connector) => {
    const sse = await openSse(`${stack.url('router')}/api/stream`, SUPERVISOR_KEY);
    const { delivery, conversationId } = customerMessage(gw, connector, thread(), ANGRY);
    const res = await deliver(gw, delivery);
    expect(res).toMatchObject({ status: 200, body: { status: 'published' } });
    const raised = await waitFor(`SSE raised for ${conversationId}`, () => sse.events.find((e) => e.event === 'raised' && (e.data as { conversationId: string }).conversationId === conversationId), 30_000);
    expect((raised.data as { reasons: { code: string }[] }).reasons[0].code).toBe('negative_emotion');
    sse.close();
  }, 60_000);

  it('one Zendesk webhook delivered three times gives one escalation', async () => {
    const escalations = await stack.kafka.collect(Topics.escalations);
    const signals = await stack.kafka.collect(Topics.signals);
    const before = await consumed(stack.url('emotion-detector'), Topics.email, 'dropped');
    const ticket = thread();
    const first = customerMessage(gw, 'zendesk', ticket, ANGRY);
    // Zendesk retries the same body; all three deliveries are acknowledged.
    for (let i = 0; i < 3; i++) expect((await deliver(gw, first.delivery)).status).toBe(200);
    // The detector has seen all three: one processed, two dropped as duplicates of the first id.
    await waitFor('two duplicates dropped', async () => (await consumed(stack.url('emotion-detector'), Topics.email, 'dropped')) - before >= 2, 30_000, 250);
    // A fresh message on the same ticket: once its reason is on the escalation, the duplicates' would be too.
    const marker = customerMessage(gw, 'zendesk', ticket, 'Still nothing. Das ist eine Frechheit!', randomUUID());
    expect((await deliver(gw, marker.delivery)).status).toBe(200);
    const open = async () => {
      const r = await fetch(`${stack.url('router')}/api/escalations?status=open`, { headers: { Authorization: `Bearer ${SUPERVISOR_KEY}` } });
      const body = (await r.json()) as Esc[] | { items: Esc[] };
      return (Array.isArray(body) ? body : body.items).filter((e) => e.conversationId === first.conversationId);
    };
    const [escalation] = await waitFor('both messages on the escalation', async () => {
      const list = await open();
      return list.length === 1 && list[0].reasons.length >= 2 ? list : undefined;
    }, 30_000, 250);
    expect(escalation.reasons).toHaveLength(2);
    expect(await open()).toHaveLength(1);
    await waitFor('both signals collected', () => signals.filter((m) => m.json?.subject === first.conversationId).length >= 2);
    await waitFor('the raised event collected', () => escalations.some((m) => m.json?.subject === first.conversationId && m.json.type === 'cx.escalation.raised.v1'));
    expect(signals.filter((m) => m.json?.subject === first.conversationId)).toHaveLength(2);
    expect(escalations.filter((m) => m.json?.subject === first.conversationId && m.json.type === 'cx.escalation.raised.v1')).toHaveLength(1);
  }, 90_000);

  it('answers 401 for a wrong signature and publishes nothing', async () => {
    const chat = await stack.kafka.collect(Topics.chat);
    const { delivery, conversationId } = customerMessage(gw, 'chatwoot', uniq('t').replace(/\D/g, '').slice(0, 9) || '7', ANGRY);
    const tampered = { ...delivery, body: delivery.body.replace('unacceptable', 'unacceptablE') };
    expect((await deliver(gw, tampered)).status).toBe(401);
    const ok = customerMessage(gw, 'chatwoot', thread(), 'marker');
    expect((await deliver(gw, ok.delivery)).status).toBe(200);
    await waitFor('the marker on the chat topic', () => chat.some((m) => m.json?.subject === ok.conversationId));
    expect(chat.filter((m) => m.json?.subject === conversationId)).toHaveLength(0);
  }, 60_000);
});
