import { readFileSync } from 'node:fs';
import { Parser } from '@asyncapi/parser';
import { EventSchemas, Topics } from '@cx/contracts';
import { ASYNCAPI_FILE, renderAsyncApi } from './generate-asyncapi';

describe('docs/asyncapi.yaml', () => {
  const text = renderAsyncApi();

  it('is up to date with libs/contracts (run npm run asyncapi)', () => {
    expect(readFileSync(ASYNCAPI_FILE, 'utf8')).toBe(text);
  });

  it('is a valid AsyncAPI 3 document for @asyncapi/parser, with every topic and every event type', async () => {
    const { document, diagnostics } = await new Parser().parse(text);
    const errors = diagnostics.filter((d) => d.severity === 0).map((d) => `${d.path.join('.')}: ${d.message}`);
    expect(errors).toEqual([]);
    expect(document).toBeDefined();
    expect(document!.version()).toBe('3.1.0');
    expect(document!.channels().all().map((c) => c.address()).sort()).toEqual([...Object.values(Topics)].sort());
    const messages = document!.components().messages().all().map((m) => m.id());
    expect(messages.filter((m) => m !== 'dead-letter').sort()).toEqual(Object.keys(EventSchemas).sort());
    const message = document!.channels().get(Topics.chat)!.messages().get('cx.message.v1')!;
    expect(message.payload()!.properties()!.data.required()).toEqual(expect.arrayContaining(['conversationId', 'messageId', 'author', 'text']));
  });
});
