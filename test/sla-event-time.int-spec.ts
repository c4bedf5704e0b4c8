import { join } from 'node:path';
import { Topics } from '@cx/contracts';
import { agentMessage, customerMessage, opened } from './support/events';
import { uniq } from './support/ids';
import type { Received } from './support/kafka-test-client';
import { StackFixture } from './support/stack-fixture';
import { waitFor } from './support/wait-for';

const POLICIES = join(__dirname, 'fixtures', 'sla', 'fast-policies.yaml');
const at = (ms: number) => new Date(ms).toISOString();
const slaOf = (list: Received[], conv: string, type: string) => list.filter((m) => m.json?.subject === conv && m.json.type === type);

/**
 * Event-time firing (docs/contract.md (SLA semantics)): the scheduler must not fire ahead of its input. The sla-monitor
 * is frozen (SIGSTOP) past a due instant while the reply that meets the target waits unread in
 * Kafka behind a backlog of several fetches (3 MB); when it thaws, its scheduler sees the wall
 * clock past due at once, but the watermark holds the timer until the consumer has read the reply
 * (a fetch that returns part of a backlog must not count the partition as consumed).
 */
describe('sla-monitor: no breach while the stopping event is unread', () => {
  const stack = new StackFixture({ SLA_POLICIES_FILE: POLICIES, SLA_TICK_MS: '20' });
  let sla: Received[];

  beforeAll(async () => {
    await stack.start('sla-monitor');
    sla = await stack.kafka.collect(Topics.sla);
  }, 120_000);
  afterAll(() => stack.stop(), 60_000);

  it('holds a due timer back until the reply that meets the target has been consumed', async () => {
    const answered = uniq('conv-answered');
    const control = uniq('conv-control');
    const t0 = Date.now();
    await stack.kafka.produce(Topics.chat, [
      { ...opened(answered, 'cust-1'), time: at(t0) }, { ...customerMessage(answered, 'Hello?'), time: at(t0) },
      { ...opened(control, 'cust-2'), time: at(t0) }, { ...customerMessage(control, 'Anyone?'), time: at(t0) },
    ]);
    // Both first-response clocks (3 s) run: their 50 % warnings fire at 1.5 s.
    await waitFor('both warnings', () => slaOf(sla, answered, 'cx.sla.warning.v1').length && slaOf(sla, control, 'cx.sla.warning.v1').length, 15_000);
    const svc = stack.services.get('sla-monitor')!;
    process.kill(svc.pid, 'SIGSTOP');
    try {
      // The customer writes 3,000 long messages (one fetch takes at most 1 MB per partition)...
      const long = 'Still waiting for an answer about my order. '.repeat(24);
      const backlog = Array.from({ length: 3_000 }, (_, i) => ({ ...customerMessage(answered, `${long}${i}`), time: at(t0 + 2_000) }));
      for (let i = 0; i < backlog.length; i += 500) await stack.kafka.produce(Topics.chat, backlog.slice(i, i + 500));
      // ... then the agent answers at 2.5 s, before the 3 s target; all of it waits in Kafka.
      await stack.kafka.produce(Topics.chat, [{ ...agentMessage(answered, 'Here to help'), time: at(t0 + 2_500) }]);
      await waitFor('the wall clock past both due instants', () => Date.now() > t0 + 4_500, 10_000);
    } finally {
      process.kill(svc.pid, 'SIGCONT');
    }
    // The control conversation breaches (the scheduler ran past the due instant)...
    const breach = await waitFor('the control breach', () => slaOf(sla, control, 'cx.sla.breached.v1')[0], 20_000);
    expect(breach.json!.data).toMatchObject({ at: at(t0 + 3_000) });
    // ... and so would the answered one have, had it fired ahead of the unread reply.
    expect(slaOf(sla, answered, 'cx.sla.breached.v1')).toEqual([]);
    const metrics = await (await fetch(`${stack.url('sla-monitor')}/metrics`)).text();
    expect(metrics).toMatch(/cx_sla_clocks_total\{[^}]*policy="fast-chat",metric="firstResponse",outcome="met"[^}]*\} 1/);
    expect(metrics).toMatch(/cx_sla_clocks_total\{[^}]*policy="fast-chat",metric="firstResponse",outcome="breached"[^}]*\} 1/);
  }, 90_000);
});
