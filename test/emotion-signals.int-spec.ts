import { Topics } from '@cx/contracts';
import { customerMessage, opened, statusChange } from './support/events';
import { uniq } from './support/ids';
import type { Received } from './support/kafka-test-client';
import { StackFixture } from './support/stack-fixture';
import { waitFor } from './support/wait-for';

const ofType = (ms: Received[], type: string, subject?: string) => ms.filter((m) => m.json?.type === type && (!subject || m.json.subject === subject));

describe('conversation- and customer-level emotion signals over real Kafka and Redis', () => {
  const stack = new StackFixture();
  beforeAll(() => stack.start('emotion-detector'), 120_000);
  afterAll(() => stack.stop(), 60_000);

  it('emits ended_negative when a conversation closes on an upset customer, and not for a happy ending', async () => {
    const signals = await stack.kafka.collect(Topics.signals);
    const escalations = await stack.kafka.collect(Topics.escalations);
    const upset = uniq('upset');
    const happy = uniq('happy');
    await stack.kafka.produce(Topics.chat, [
      opened(upset, uniq('cust')), opened(happy, uniq('cust')),
      customerMessage(upset, 'Das ist eine Frechheit, ich warte seit drei Wochen!'),
      customerMessage(upset, 'Ich bin total enttäuscht von Ihrem Service.'),
      customerMessage(happy, 'This is unacceptable, my internet is down!'),
      customerMessage(happy, 'Thanks, all good now, you fixed it. Great help!'),
      statusChange(upset, 'closed'), statusChange(happy, 'closed'),
    ]);
    const ended = await waitFor('ended_negative', () => ofType(signals, 'cx.signal.ended_negative.v1', upset)[0]);
    expect(ended.json!.data).toMatchObject({ status: 'closed', conversationId: upset });
    await waitFor('request for the follow-up', () => ofType(escalations, 'cx.escalation.requested.v1', upset)
      .find((m) => (m.json!.data.reasons as { code: string }[]).some((r) => r.code === 'ended_negative')));
    // The happy conversation's closing was processed (its last flag is there) without an ended_negative.
    await waitFor('happy flags', () => ofType(signals, 'cx.signal.emotion.v1', happy).length === 2);
    expect(ofType(signals, 'cx.signal.ended_negative.v1', happy)).toHaveLength(0);
  }, 60_000);

  it('flags a customer at risk after negative messages across chat and e-mail', async () => {
    const signals = await stack.kafka.collect(Topics.signals);
    const escalations = await stack.kafka.collect(Topics.escalations);
    const customerId = uniq('cust');
    const chat = uniq('chat');
    const email = uniq('email');
    await stack.kafka.produce(Topics.chat, [opened(chat, customerId, 'chat'), customerMessage(chat, 'This is unacceptable, nobody helps me!'), customerMessage(chat, 'I am so frustrated, still not fixed!!!')]);
    await stack.kafka.produce(Topics.email, [opened(email, customerId, 'email'), customerMessage(email, 'Das ist eine Frechheit, ich warte seit Wochen auf eine Antwort!', 'email'), customerMessage(email, 'Ich bin wirklich sauer und enttäuscht, niemand meldet sich.', 'email')]);
    const atRisk = await waitFor('customer_at_risk', () => signals.find((m) => m.json?.type === 'cx.signal.customer_at_risk.v1' && m.json.data.customerId === customerId), 30_000);
    expect((atRisk.json!.data.channels as string[]).sort()).toEqual(['chat', 'email']);
    expect([chat, email]).toContain(atRisk.json!.subject);
    await waitFor('at-risk escalation request', () => escalations.find((m) => m.json?.type === 'cx.escalation.requested.v1'
      && (m.json.data.reasons as { code: string }[]).some((r) => r.code === 'customer_at_risk') && m.json.subject === atRisk.json!.subject));
    expect(signals.filter((m) => m.json?.type === 'cx.signal.customer_at_risk.v1' && m.json.data.customerId === customerId)).toHaveLength(1);
  }, 60_000);
});
