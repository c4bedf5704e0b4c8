// The scripted demo: German and English conversations over chat, e-mail and call that produce each
// kind of escalation (negative emotion, complaint intents, ended negative, customer at risk, SLA
// warning and breach, a broken promise), and one ticket that arrives as signed Zendesk webhooks
// through the ingestion gateway. Waits until the router shows them, then prints a summary.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { Topics } from '@cx/contracts';
import { zendeskHeaders } from '../apps/ingest-gateway/src/testing/platform-signers';

const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const prefix = process.env.TOPIC_PREFIX ?? '';
const routerUrl = process.env.DEMO_ROUTER_URL ?? 'http://127.0.0.1:3000/';
const apiKey = process.env.DEMO_API_KEY ?? '';
const run = Date.now().toString(36);
const gatewayUrl = process.env.DEMO_GATEWAY_URL;
const connectorsFile = process.env.DEMO_CONNECTORS_FILE;
/** A Zendesk ticket number for this run: conversation `zendesk:<ticket>`. */
const ticket = String(700_000_000 + (Date.now() % 100_000_000));
const zendeskConversation = `zendesk:${ticket}`;

type Channel = 'chat' | 'email' | 'call';
const topicOf: Record<Channel, string> = { chat: Topics.chat, email: Topics.email, call: Topics.call };

function ev(type: string, conv: string, channel: Channel, data: Record<string, unknown>, atOffsetMs = 0) {
  return {
    channel,
    event: {
      specversion: '1.0', id: randomUUID(), source: 'urn:demo:platform', type, subject: conv, tenantid: 'default',
      time: new Date(Date.now() + atOffsetMs).toISOString(),
      data: { conversationId: conv, ...(type.startsWith('cx.call.') || type.startsWith('cx.promise.') ? {} : { channel }), ...data },
    },
  };
}
const say = (conv: string, channel: Channel, role: 'customer' | 'agent', text: string, language?: string) =>
  ev('cx.message.v1', conv, channel, { messageId: randomUUID(), author: { role, id: role === 'customer' ? undefined : 'agent-demo' }, text, ...(language ? { language } : {}) });
const open = (conv: string, channel: Channel, customer: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  ev('cx.conversation.opened.v1', conv, channel, { customer, ...extra });
const status = (conv: string, channel: Channel, s: string) => ev('cx.conversation.status.v1', conv, channel, { status: s });

const c = (name: string) => `demo-${run}-${name}`;
const anna = { id: `cust-anna-${run}`, tier: 'vip', language: 'de' };
const bob = { id: `cust-bob-${run}`, tier: 'standard', language: 'en' };

const script = [
  // English VIP chat: an outage, angry; no agent answers → SLA warning and breach on firstResponse.
  open(c('outage-en'), 'chat', bob, { priority: 'high', queue: 'technical' }),
  say(c('outage-en'), 'chat', 'customer', 'My internet has been down since yesterday. This is unacceptable, I have been waiting for hours!', 'en'),
  // German e-mail complaint about a refund; the customer is Anna (VIP).
  open(c('refund-de'), 'email', anna),
  say(c('refund-de'), 'email', 'customer', 'Das ist eine Frechheit, ich warte seit drei Wochen auf meine Erstattung!', 'de'),
  say(c('refund-de'), 'email', 'customer', 'Trotz mehrfacher Nachfrage keine Antwort. Ich bin wirklich enttäuscht.', 'de'),
  // Personal data in the text: the escalation shows [iban] and [email], and "sauer" inside the address is no anger word.
  say(c('refund-de'), 'email', 'customer', 'Überweisen Sie es endlich auf DE89 3704 0044 0532 0130 00 und schreiben Sie an anna.sauer@example.de!', 'de'),
  // Anna calls too: queued, answered, threatens to cancel, the call ends while she is upset.
  ev('cx.call.queued.v1', c('call-de'), 'call', { queue: 'care-de' }),
  open(c('call-de'), 'call', anna),
  ev('cx.call.answered.v1', c('call-de'), 'call', { agentId: 'agent-demo' }),
  say(c('call-de'), 'call', 'customer', 'Ich rufe jetzt zum dritten Mal an. Wenn das nicht sofort gelöst wird, kündige ich meinen Vertrag!', 'de'),
  say(c('call-de'), 'call', 'agent', 'Das tut mir leid, ich kümmere mich darum.'),
  say(c('call-de'), 'call', 'customer', 'Nein, das ist wirklich unverschämt. Ich bin total enttäuscht.', 'de'),
  status(c('call-de'), 'call', 'closed'),
  // A promise made on an English chat that nobody keeps → promise warning and breach.
  open(c('promise-en'), 'chat', { id: `cust-carol-${run}`, language: 'en' }),
  say(c('promise-en'), 'chat', 'customer', 'Can someone call me back about my invoice? I do not understand the charges.', 'en'),
  say(c('promise-en'), 'chat', 'agent', 'Of course, we will call you back within 20 seconds.'),
  ev('cx.promise.made.v1', c('promise-en'), 'chat', { promiseId: 'cb-1', kind: 'callback', dueAt: new Date(Date.now() + 20_000).toISOString(), description: 'call back about the invoice' }),
  // A call that waits in the queue too long.
  ev('cx.call.queued.v1', c('queue-en'), 'call', { queue: 'voice' }),
  // A calm conversation: no escalation.
  open(c('calm-en'), 'chat', { id: `cust-dave-${run}`, language: 'en' }),
  say(c('calm-en'), 'chat', 'customer', 'Hi! Could you tell me your opening hours on Saturday?', 'en'),
  say(c('calm-en'), 'chat', 'agent', 'We are open from 9 to 18 on Saturdays.'),
  status(c('calm-en'), 'chat', 'resolved'),
];

async function openEscalations(): Promise<{ conversationId: string; severity: string; reasons: { code: string }[] }[]> {
  const r = await fetch(new URL('api/escalations?status=open', routerUrl), { headers: { Authorization: `Bearer ${apiKey}` } });
  if (!r.ok) throw new Error(`router answered ${r.status}`);
  const body = (await r.json()) as unknown[] | { items?: unknown[] };
  const list = (Array.isArray(body) ? body : body.items ?? []) as { conversationId: string; severity: string; reasons: { code: string }[] }[];
  return list.filter((e) => e.conversationId.startsWith(`demo-${run}-`) || e.conversationId === zendeskConversation);
}

/** The Zendesk secret of tenant "default" in the gateway's connectors file, if it has one. */
function zendeskSecret(): string | undefined {
  if (!connectorsFile) return undefined;
  try {
    const parsed = JSON.parse(readFileSync(connectorsFile, 'utf8')) as { tenants?: Record<string, { zendesk?: { secret?: string } }> };
    return parsed.tenants?.default?.zendesk?.secret;
  } catch {
    return undefined; // a YAML file of the user's own: the webhook part is skipped
  }
}

/** A ticket as Zendesk's webhooks deliver it (ticket.created, then the customer's comment), signed. */
async function zendeskTicket(secret: string): Promise<void> {
  const now = new Date();
  const detail = { id: ticket, requester_id: '5550001', status: 'OPEN', priority: 'HIGH', tags: ['billing'], via: { channel: 'email' }, subject: 'Charged twice', created_at: now.toISOString() };
  const deliveries = [
    { type: 'zen:event-type:ticket.created', id: randomUUID(), time: now.toISOString(), subject: `zen:ticket:${ticket}`, detail, event: {} },
    {
      type: 'zen:event-type:ticket.comment_added', id: randomUUID(), time: new Date(now.getTime() + 1000).toISOString(), subject: `zen:ticket:${ticket}`, detail,
      event: { comment: { id: randomUUID(), body: 'You charged me twice for March. This is unacceptable, I want my money back now!', is_public: true, author: { id: '5550001', is_staff: false, name: 'Dana' } } },
    },
  ];
  for (const d of deliveries) {
    const body = JSON.stringify({ account_id: 1, zendesk_event_version: '2022-11-06', ...d });
    const r = await fetch(`${gatewayUrl}/ingest/default/zendesk`, { method: 'POST', headers: zendeskHeaders(secret, body, new Date()), body });
    if (r.status !== 200) throw new Error(`gateway answered ${r.status} to a Zendesk webhook: ${await r.text()}`);
  }
  process.stderr.write(`demo: ticket ${ticket} sent as 2 signed Zendesk webhooks to ${gatewayUrl}\n`);
}

async function main(): Promise<void> {
  const producer = new Kafka({ clientId: 'demo-stream', brokers, logLevel: logLevel.WARN }).producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  process.stderr.write(`demo: sending ${script.length} events (run ${run})\n`);
  for (const step of script) {
    await producer.send({ topic: prefix + topicOf[step.channel], acks: -1, messages: [{ key: step.event.subject, value: JSON.stringify(step.event), headers: { 'content-type': 'application/cloudevents+json; charset=UTF-8' } }] });
    await new Promise((r) => setTimeout(r, 150));
  }
  await producer.disconnect();
  const secret = gatewayUrl ? zendeskSecret() : undefined;
  if (secret) await zendeskTicket(secret);
  else process.stderr.write('demo: no Zendesk secret for tenant "default" in the connectors file; skipping the webhook conversation\n');
  const want = Number(process.env.DEMO_WAIT_SECONDS ?? 45) * 1000;
  const deadline = Date.now() + want;
  let seen: Awaited<ReturnType<typeof openEscalations>> = [];
  let codes = new Set<string>();
  process.stderr.write(`demo: watching the router for up to ${want / 1000} s (SLA timers fire after 10–20 s)...\n`);
  while (Date.now() < deadline) {
    seen = await openEscalations().catch(() => seen);
    codes = new Set(seen.flatMap((e) => e.reasons.map((r) => r.code)));
    const viaGateway = !secret || seen.some((e) => e.conversationId === zendeskConversation);
    if (viaGateway && codes.has('sla_breached') && codes.has('ended_negative') && codes.has('customer_at_risk')) break;
    await new Promise((r) => setTimeout(r, 1000));
  }
  process.stdout.write(`\nDemo escalations now open (${seen.length}):\n`);
  for (const e of seen) {
    const name = e.conversationId === zendeskConversation ? `${zendeskConversation} (arrived as Zendesk webhooks)` : e.conversationId.replace(`demo-${run}-`, '');
    process.stdout.write(`  ${e.severity.padEnd(8)} ${name.padEnd(12)} ${[...new Set(e.reasons.map((r) => r.code))].join(', ')}\n`);
  }
  process.stdout.write(`Reasons seen: ${[...codes].sort().join(', ') || 'none'}\n`);
  if (seen.length === 0) {
    process.stderr.write('demo: no escalation appeared; check the service logs above\n');
    process.exit(1);
  }
  if (secret && !seen.some((e) => e.conversationId === zendeskConversation)) {
    process.stderr.write(`demo: the Zendesk ticket ${zendeskConversation} did not become an escalation; check the ingest-gateway log above\n`);
    process.exit(1);
  }
}

main().catch((e) => { process.stderr.write(`demo failed: ${e.message}\n`); process.exit(1); });
