import { join } from 'node:path';
import { Topics } from '@cx/contracts';
import { envelope, customerMessage, agentMessage, opened } from './support/events';
import { uniq } from './support/ids';
import type { Received } from './support/kafka-test-client';
import { StackFixture } from './support/stack-fixture';
import { waitFor } from './support/wait-for';

const POLICIES = join(__dirname, 'fixtures', 'sla', 'fast-policies.yaml');
const at = (ms: number) => new Date(ms).toISOString();
const stamp = <E extends { time: string }>(e: E, time: string): E => ({ ...e, time });
const slaOf = (list: Received[], conv: string, type: string) => list.filter((m) => m.json?.subject === conv && m.json.type === type);

describe('sla-monitor on real Kafka and Redis', () => {
  const stack = new StackFixture({ SLA_POLICIES_FILE: POLICIES });
  let sla: Received[];
  let escalations: Received[];

  beforeAll(async () => {
    await stack.start('sla-monitor');
    sla = await stack.kafka.collect(Topics.sla);
    escalations = await stack.kafka.collect(Topics.escalations);
  }, 120_000);
  afterAll(() => stack.stop(), 60_000);

  it('emits the warning and the breach at their exact instants, and requests an escalation with the SLA evidence', async () => {
    const conv = uniq('conv-breach');
    const t0 = Date.now();
    await stack.kafka.produce(Topics.chat, [
      opened(conv, 'cust-1', 'chat', { time: at(t0) }),
      stamp(customerMessage(conv, 'Hello?'), at(t0 + 100)),
    ]);
    const breach = await waitFor('breach', () => slaOf(sla, conv, 'cx.sla.breached.v1')[0], 15_000);
    const arrived = Date.now();
    const warning = slaOf(sla, conv, 'cx.sla.warning.v1');
    expect(warning).toHaveLength(1);
    expect(warning[0].json!.data).toMatchObject({ metric: 'firstResponse', policyId: 'fast-chat', threshold: 0.5, at: at(t0 + 1600), dueAt: at(t0 + 3100) });
    expect(breach.json!.data).toMatchObject({ metric: 'firstResponse', policyId: 'fast-chat', threshold: 1, at: at(t0 + 3100), dueAt: at(t0 + 3100), targetMs: 3000 });
    expect(breach.key).toBe(conv);
    expect(arrived).toBeGreaterThanOrEqual(t0 + 3100);

    const request = await waitFor('escalation request', () => escalations.find((m) => m.json?.subject === conv && m.json.type === 'cx.escalation.requested.v1'));
    const reason = (request.json!.data as { reasons: { code: string; causeId: string; sla: unknown }[] }).reasons[0];
    expect(reason).toMatchObject({ code: 'sla_breached', causeId: breach.json!.id, sla: { policyId: 'fast-chat', metric: 'firstResponse', dueAt: at(t0 + 3100), threshold: 1 } });
    expect(request.json!.data.detector).toBe('sla-monitor');
    // Warnings go to cx.sla only (SLA_ESCALATE_ON=breach by default).
    expect(escalations.filter((m) => m.json?.subject === conv && m.json.type === 'cx.escalation.requested.v1')).toHaveLength(1);

    const metrics = await (await fetch(`${stack.url('sla-monitor')}/metrics`)).text();
    expect(metrics).toMatch(/cx_sla_breaches_total\{[^}]*metric="firstResponse"[^}]*policy="fast-chat"[^}]*\} [1-9]/);
    expect(metrics).toMatch(/cx_sla_fire_lateness_seconds_count\{[^}]*path="timer"[^}]*\} [1-9]/);
    expect(metrics).toMatch(/cx_sla_open_clocks\{[^}]*metric="resolution"[^}]*\} [1-9]/);
  }, 30_000);

  it('an agent reply before the due instant cancels the warning and the breach', async () => {
    const answered = uniq('conv-answered');
    const marker = uniq('conv-marker');
    const t0 = Date.now();
    await stack.kafka.produce(Topics.chat, [
      stamp(customerMessage(answered, 'Hi'), at(t0)),
      stamp(customerMessage(marker, 'Hi'), at(t0 + 50)),
      stamp(agentMessage(answered, 'Hello, how can I help?'), at(t0 + 1000)),
    ]);
    // The marker's breach is due after the answered one's would have been: once it is here, so would that be.
    await waitFor('marker breach', () => slaOf(sla, marker, 'cx.sla.breached.v1')[0], 15_000);
    expect(sla.filter((m) => m.json?.subject === answered)).toHaveLength(0);
  }, 30_000);

  it('a broken promise breaches at its dueAt with the open promises in the request; a kept one does not', async () => {
    const broken = uniq('conv-broken');
    const kept = uniq('conv-kept');
    const t0 = Date.now();
    const promise = (conv: string, id: string) =>
      envelope('cx.promise.made.v1', conv, { channel: 'email', promiseId: id, kind: 'callback', dueAt: at(t0 + 2000) }, { time: at(t0) });
    await stack.kafka.produce(Topics.email, [
      promise(broken, 'cb-1'),
      promise(kept, 'cb-2'),
      envelope('cx.promise.kept.v1', kept, { channel: 'email', promiseId: 'cb-2' }, { time: at(t0 + 500) }),
      // A customer message starts the 2 s firstResponse clock 100 ms after the promise is due: a marker for "kept" below.
      stamp(customerMessage(kept, 'Thanks for the call', 'email'), at(t0 + 100)),
    ]);
    const breach = await waitFor('promise breach', () => slaOf(sla, broken, 'cx.sla.breached.v1')[0], 15_000);
    expect(breach.json!.data).toMatchObject({ metric: 'promise', promiseId: 'cb-1', at: at(t0 + 2000), dueAt: at(t0 + 2000), policyId: 'fast-email' });
    const request = await waitFor('request', () => escalations.find((m) => m.json?.subject === broken && m.json.type === 'cx.escalation.requested.v1'));
    expect(request.json!.data.context).toEqual({ openPromises: [{ promiseId: 'cb-1', kind: 'callback', dueAt: at(t0 + 2000) }] });
    await waitFor('marker breach on the kept conversation', () => slaOf(sla, kept, 'cx.sla.breached.v1').find((m) => m.json!.data.metric === 'firstResponse'), 15_000);
    expect(sla.filter((m) => m.json?.subject === kept && m.json.data.metric === 'promise')).toHaveLength(0);
  }, 30_000);

  it('a reply stamped after the due instant fires the breach from the consumer, once; an older message is counted as late', async () => {
    const conv = uniq('conv-late');
    const t0 = Date.now() - 60_000; // the whole conversation happened a minute ago and arrives now
    await stack.kafka.produce(Topics.chat, [
      stamp(customerMessage(conv, 'Hi'), at(t0 + 10_000)),
      stamp(agentMessage(conv, 'Sorry for the wait'), at(t0 + 20_000)),
      stamp(customerMessage(conv, 'late one'), at(t0 + 5_000)),
    ]);
    const breach = await waitFor('breach', () => slaOf(sla, conv, 'cx.sla.breached.v1')[0], 15_000);
    // The reply at +20 s stops the clock past its due instant: the consumer fires the breach at +13 s.
    expect(breach.json!.data).toMatchObject({ metric: 'firstResponse', at: at(t0 + 13_000) });
    const metrics = await (await fetch(`${stack.url('sla-monitor')}/metrics`)).text();
    expect(metrics).toMatch(/cx_sla_late_events_total\{[^}]*\} [1-9]/);
    expect(slaOf(sla, conv, 'cx.sla.breached.v1')).toHaveLength(1);
  }, 30_000);
});
