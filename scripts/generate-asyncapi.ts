// Writes docs/asyncapi.yaml (AsyncAPI 3.1) from the contract: every topic of libs/contracts
// topics.ts as a channel and every event type of registry.ts as a message with its zod schema
// as payload (JSON Schema draft-07, the dialect AsyncAPI schemas extend). `--check` fails when the
// file is stale. An event type on no topic, or a topic without events, stops the generator.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { z } from 'zod';
import {
  AgentUpdatedV1, CustomerContributionV1, EscalationEvent, EventSchemas, EXTENSION_NAME, InteractionEvent, NotificationSentV1, AuditRecordedV1, SignalEvent,
  SlaEvent, Topics,
} from '@cx/contracts';

export const ASYNCAPI_FILE = join(__dirname, '..', 'docs', 'asyncapi.yaml');

type Schema = z.ZodObject<{ type: z.ZodLiteral<string> }>;
const types = (...schemas: { options?: readonly unknown[] }[]) => schemas.flatMap((s) => (s.options ?? [s]) as Schema[]);

/** Which event types travel on which topic, and who writes and reads them. */
const CHANNELS: { topic: string; events: Schema[]; action: 'send' | 'receive' | 'both'; description: string }[] = [
  ...([['chat', Topics.chat], ['email', Topics.email], ['call', Topics.call]] as const).map(([channel, topic]) => ({
    topic, events: types(InteractionEvent), action: 'receive' as const,
    description: `Input: interactions of the ${channel} channel from the contact-center platforms (or the ingest gateway). `
      + 'Structured or binary CloudEvents (Kafka protocol binding); key = conversation id. Read by emotion-detector and sla-monitor.',
  })),
  { topic: Topics.signals, events: types(SignalEvent), action: 'send', description: 'Emotion signals of emotion-detector (flag with evidence, customers at risk, conversations that ended negative).' },
  { topic: Topics.sla, events: types(SlaEvent), action: 'send', description: 'SLA warnings and breaches of sla-monitor, at the exact instant a threshold is crossed.' },
  {
    topic: Topics.escalations, events: types(EscalationEvent), action: 'both',
    description: 'Escalation requests of the detectors (read by the router) and the escalations\' lifecycle as the router publishes it.',
  },
  { topic: Topics.notifications, events: [NotificationSentV1 as unknown as Schema, AuditRecordedV1 as unknown as Schema], action: 'send', description: 'Audit: every notification the router sent (SSE, webhook), per delivery and ladder step, and every action people took on an escalation (who did what, when).' },
  { topic: Topics.agents, events: [AgentUpdatedV1 as unknown as Schema], action: 'both', description: 'Agent directory and presence: written by PUT /api/agents/:id and by any other system; key = agent id.' },
  {
    topic: Topics.customerContributions, events: [CustomerContributionV1 as unknown as Schema], action: 'both',
    description: 'Internal to emotion-detector (not for integrators): contributions to a customer\'s score, keyed by customer id.',
  },
];

const DLQ_HEADERS = ['x-dlq-reason', 'x-dlq-topic', 'x-dlq-partition', 'x-dlq-offset', 'x-dlq-service', 'x-dlq-at'];

function payloadOf(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const json = z.toJSONSchema(schema, { target: 'draft-7', io, unrepresentable: 'any' }) as Record<string, unknown>;
  delete json.$schema;
  // The codec accepts and keeps any CloudEvents extension attribute (docs/contract.md).
  json.patternProperties = { [EXTENSION_NAME.source]: { type: ['string', 'number', 'boolean'] } };
  return json;
}

export function renderAsyncApi(): string {
  const placed = new Map<string, string>();
  const messages: Record<string, unknown> = {};
  const channels: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  for (const c of CHANNELS) {
    if (!c.events.length) throw new Error(`topic ${c.topic} has no event types`);
    const refs: Record<string, { $ref: string }> = {};
    for (const schema of c.events) {
      const type = schema.shape.type.value;
      if (!EventSchemas[type]) throw new Error(`${type} on ${c.topic} is not in EventSchemas (libs/contracts/src/registry.ts)`);
      placed.set(type, c.topic);
      messages[type] ??= {
        name: type, title: type, contentType: 'application/cloudevents+json',
        summary: `CloudEvent of type ${type} (structured mode; inputs may also use binary mode, ce_* headers)`,
        payload: payloadOf(EventSchemas[type], c.action === 'receive' ? 'input' : 'output'),
        bindings: { kafka: { key: { type: 'string', description: 'The conversation id (agent id on cx.agents, customer id on the internal topic)' }, bindingVersion: '0.5.0' } },
      };
      refs[type] = { $ref: `#/components/messages/${type}` };
    }
    channels[c.topic] = { address: c.topic, description: `${c.description} Topic names get the deployment's TOPIC_PREFIX.`, messages: refs };
    const actions = c.action === 'both' ? (['receive', 'send'] as const) : [c.action];
    for (const action of actions) {
      operations[`${action}.${c.topic}`] = {
        action, channel: { $ref: `#/channels/${c.topic}` },
        summary: `${action === 'send' ? 'The services publish to' : 'The services consume'} ${c.topic}`,
        messages: Object.keys(refs).map((t) => ({ $ref: `#/channels/${c.topic}/messages/${t}` })),
      };
    }
  }
  const unplaced = Object.keys(EventSchemas).filter((t) => !placed.has(t));
  if (unplaced.length) throw new Error(`event types on no topic: ${unplaced.join(', ')}; add them to CHANNELS in scripts/generate-asyncapi.ts`);
  const topics = new Set([...CHANNELS.map((c) => c.topic), Topics.dlq]);
  const missing = Object.values(Topics).filter((t) => !topics.has(t));
  if (missing.length) throw new Error(`topics without a channel: ${missing.join(', ')}`);

  messages['dead-letter'] = {
    name: 'dead-letter', title: 'Dead letter',
    summary: 'A message that could not be processed, unchanged (same key, value bytes and headers), with the reason in x-dlq-* headers',
    contentType: 'application/octet-stream',
    headers: { type: 'object', properties: Object.fromEntries(DLQ_HEADERS.map((h) => [h, { type: 'string' }])), required: DLQ_HEADERS },
    payload: { type: 'string', description: 'The original value bytes (not necessarily JSON); replay by producing it back to x-dlq-topic' },
  };
  channels[Topics.dlq] = {
    address: Topics.dlq, description: 'Poison and invalid input of every service, with the reason. Topic names get the deployment\'s TOPIC_PREFIX.',
    messages: { 'dead-letter': { $ref: '#/components/messages/dead-letter' } },
  };
  operations[`send.${Topics.dlq}`] = {
    action: 'send', channel: { $ref: `#/channels/${Topics.dlq}` }, summary: `The services publish to ${Topics.dlq}`,
    messages: [{ $ref: `#/channels/${Topics.dlq}/messages/dead-letter` }],
  };

  const doc = {
    asyncapi: '3.1.0',
    info: {
      title: 'CX escalation stream: Kafka topics',
      version: '1.0.0',
      description: 'Every topic and event type of the contract (docs/contract.md), generated from libs/contracts by scripts/generate-asyncapi.ts. '
        + 'One CloudEvent per Kafka message; outputs are structured (content-type: application/cloudevents+json).',
    },
    defaultContentType: 'application/cloudevents+json',
    servers: { kafka: { host: '127.0.0.1:9092', protocol: 'kafka', description: 'KAFKA_BROKERS of the deployment' } },
    channels,
    operations,
    components: { messages },
  };
  return `# Generated by scripts/generate-asyncapi.ts from libs/contracts: do not edit (npm run asyncapi).\n${stringify(doc, { lineWidth: 0 })}`;
}

if (require.main === module) {
  const text = renderAsyncApi();
  if (process.argv.includes('--check')) {
    if (!existsSync(ASYNCAPI_FILE) || readFileSync(ASYNCAPI_FILE, 'utf8') !== text) {
      console.error('docs/asyncapi.yaml is stale; run npm run asyncapi');
      process.exit(1);
    }
  } else {
    writeFileSync(ASYNCAPI_FILE, text);
    console.error(`wrote ${ASYNCAPI_FILE}`);
  }
}
