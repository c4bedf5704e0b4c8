import { InteractionEvent, type InteractionEvent as Ev } from '@cx/contracts';
import { emotionStep, LAST_MESSAGES, type ConversationState } from './emotion-step';
import { TenantEmotionConfig } from './tenant-emotion.config';

const tenant = TenantEmotionConfig.load(undefined).forTenant('default');
let n = 0;
const ev = (type: string, data: Record<string, unknown>, time = '2026-03-02T10:00:00.000Z'): Ev => InteractionEvent.parse({
  specversion: '1.0', id: `e${n++}`, source: 'urn:t', type, time, subject: 'c1', data: { conversationId: 'c1', ...data },
});
const customer = (text: string, time?: string) => ev('cx.message.v1', { channel: 'chat', messageId: `m${n}`, author: { role: 'customer' }, text }, time);
const types = (r: { outputs: { event: { type: string } }[] }) => r.outputs.map((o) => o.event.type);

function run(events: Ev[], start?: ConversationState) {
  let state = start;
  return events.map((e) => {
    const r = emotionStep(state, e, tenant);
    state = r.state;
    return r;
  });
}

describe('emotionStep', () => {
  it('flags a negative customer message with evidence and requests an escalation', () => {
    const [opened, msg] = run([
      ev('cx.conversation.opened.v1', { channel: 'chat', customer: { id: 'k1', tier: 'vip', language: 'en' } }),
      customer('This is unacceptable, I have been waiting for three weeks!'),
    ]);
    expect(types(opened)).toEqual([]);
    expect(types(msg)).toEqual(['cx.signal.emotion.v1', 'cx.escalation.requested.v1', 'cx.emotion.customer_contribution.v1']);
    const signal = msg.outputs[0].event as unknown as { data: { negative: boolean; evidence: unknown[]; customerId: string } };
    expect(signal.data.negative).toBe(true);
    expect(signal.data.evidence.length).toBeGreaterThan(0);
    expect(signal.data.customerId).toBe('k1');
    const req = msg.outputs[1].event as unknown as { data: { customer: { tier: string }; reasons: { code: string }[] } };
    expect(req.data.customer.tier).toBe('vip');
    expect(req.data.reasons[0].code).toBe('negative_emotion');
    expect(msg.outputs[2].event.subject).toBe('k1'); // re-keyed by customer
    expect(msg.analysed).toMatchObject({ outcome: 'negative', language: 'en' });
  });

  it('carries tier, priority and queue as cx.conversation.updated.v1 changed them into later requests', () => {
    const [, , first, , second] = run([
      ev('cx.conversation.opened.v1', { channel: 'email', customer: { id: 'k2', tier: 'standard' }, priority: 'normal', queue: 'billing' }),
      ev('cx.conversation.updated.v1', { channel: 'email', priority: 'high' }),
      customer('This is unacceptable, I have been waiting for three weeks!'),
      ev('cx.conversation.updated.v1', { channel: 'email', priority: 'urgent', queue: 'retention', customer: { tier: 'vip' } }),
      customer('This is unacceptable, still nothing after three weeks!'),
    ]);
    const req = (r: typeof first) => r.outputs.find((o) => o.event.type === 'cx.escalation.requested.v1')!.event as unknown as
      { data: { customer: { tier?: string }; context?: { priority?: string; queue?: string } } };
    expect(req(first).data.customer.tier).toBe('standard');
    expect(req(first).data.context).toMatchObject({ priority: 'high', queue: 'billing' });
    expect(req(second).data.customer.tier).toBe('vip');
    expect(req(second).data.context).toMatchObject({ priority: 'urgent', queue: 'retention' });
  });

  it('emits only the flag for a neutral message, and nothing for agents', () => {
    const [calm, agent] = run([customer('Thanks, all good.'), ev('cx.message.v1', { channel: 'chat', messageId: 'a', author: { role: 'agent' }, text: 'This is unacceptable' })]);
    expect(types(calm)).toEqual(['cx.signal.emotion.v1']);
    expect(types(agent)).toEqual([]);
  });

  it('counts a streak and reports ended negative once when the conversation closes on an upset customer', () => {
    const rs = run([
      customer('Das ist eine Frechheit!'),
      customer('Ich bin total enttäuscht, seit drei Wochen keine Antwort!'),
      ev('cx.conversation.status.v1', { channel: 'chat', status: 'resolved' }),
      ev('cx.conversation.status.v1', { channel: 'chat', status: 'closed' }),
    ]);
    expect((rs[1].outputs[1].event as unknown as { data: { reasons: { code: string }[] } }).data.reasons[0].code).toBe('negative_streak');
    expect(types(rs[2])).toEqual(['cx.signal.ended_negative.v1', 'cx.escalation.requested.v1']);
    expect(types(rs[3])).toEqual([]);
  });

  it('sends the customer\'s last messages, masked and capped, with each escalation request', () => {
    const rs = run([
      customer('Hi, quick question about my order.'),
      ...Array.from({ length: LAST_MESSAGES }, (_, i) => customer(`Still nothing after ${i + 2} days, this is unacceptable! Call me on +49 170 1234567`)),
    ]);
    const req = rs[rs.length - 1].outputs.find((o) => o.event.type === 'cx.escalation.requested.v1')!.event as unknown as {
      data: { context: { lastMessages: { messageId: string; text: string; negative: boolean; language: string }[] } };
    };
    const msgs = req.data.context.lastMessages;
    expect(msgs).toHaveLength(LAST_MESSAGES);
    expect(msgs.some((m) => m.text.includes('quick question'))).toBe(false); // the oldest fell out
    expect(msgs[msgs.length - 1]).toMatchObject({ negative: true, language: 'en', text: 'Still nothing after 6 days, this is unacceptable! Call me on [phone]' });
    expect(JSON.stringify(req)).not.toContain('1234567');
  });

  it('drops everything after closed, and derives the same ids on a replay', () => {
    const msg = customer('This is unacceptable!');
    const first = emotionStep(undefined, msg, tenant);
    expect(emotionStep(undefined, msg, tenant).outputs.map((o) => o.event.id)).toEqual(first.outputs.map((o) => o.event.id));
    const closed = emotionStep(first.state, ev('cx.conversation.status.v1', { channel: 'chat', status: 'closed' }), tenant);
    expect(emotionStep(closed.state, customer('hello?'), tenant).dropped).toBe('conversation closed');
  });

  it('gives no flag for an unsupported language and counts it', () => {
    const r = emotionStep(undefined, ev('cx.message.v1', { channel: 'chat', messageId: 'x', author: { role: 'customer' }, text: 'Esto es inaceptable', language: 'es' }), tenant);
    expect(r.analysed?.outcome).toBe('unsupported_language');
    expect(types(r)).toEqual(['cx.signal.emotion.v1']);
  });
});
