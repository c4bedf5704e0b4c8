import { join } from 'node:path';
import { Topics } from '@cx/contracts';
import { customerMessage } from './support/events';
import { uniq } from './support/ids';
import { TestKafka, type Received } from './support/kafka-test-client';
import { isolatedEnv, startServiceProcess, type ServiceProcess } from './support/service-process';
import { waitFor } from './support/wait-for';

const POLICIES = join(__dirname, 'fixtures', 'sla', 'fast-policies.yaml');
const at = (ms: number) => new Date(ms).toISOString();
const stamp = <E extends { time: string }>(e: E, time: string): E => ({ ...e, time });

/**
 * Two sla-monitor processes share the consumer group and the timer store; one is killed with
 * SIGKILL while warnings and breaches are coming due, and a replacement starts. Every warning and
 * breach must reach cx.sla under exactly one id, and each breach one escalation request. The one
 * copy allowed twice is what the killed instance had published but not yet dropped from its outbox
 * (kill -9 between Kafka's ack and the outbox acknowledgement): the drainer republishes it with the
 * same id, which consumers process once (docs/contract.md). Any other repeat is a bug.
 */
/**
 * One copy per id, after checking that every repeat is the killed instance's unconfirmed outbox:
 * exactly two copies, the first made before the kill (Kafka create time), the second after it.
 */
function firstCopies(messages: Received[], killedAt: number): Received[] {
  const byId = new Map<string, Received[]>();
  for (const m of messages) byId.set(m.json!.id, [...(byId.get(m.json!.id) ?? []), m]);
  const repeats = [...byId.values()].filter((copies) => copies.length > 1);
  for (const copies of repeats) {
    expect(copies.map((m) => (m.timestamp < killedAt ? 'before kill' : 'after kill'))).toEqual(['before kill', 'after kill']);
  }
  return [...byId.values()].map((copies) => copies[0]);
}

describe('sla-monitor: two instances, one killed with SIGKILL mid-run', () => {
  const prefix = uniq('t');
  const env = isolatedEnv(prefix, { SLA_POLICIES_FILE: POLICIES, SLA_LEASE_MS: '1500', REDIS_SHARDS: '8' });
  const kafka = new TestKafka(prefix);
  const procs: ServiceProcess[] = [];

  afterAll(async () => {
    await Promise.all(procs.map((p) => p.stop('SIGTERM')));
    await kafka.close();
  }, 60_000);

  it('loses no warning or breach, and repeats none but the killed instance\'s unconfirmed outbox', async () => {
    const [a, b] = await Promise.all([startServiceProcess('sla-monitor', env), startServiceProcess('sla-monitor', env)]);
    procs.push(a, b);
    const sla = await kafka.collect(Topics.sla);
    const escalations = await kafka.collect(Topics.escalations);

    // 60 conversations whose first-response clocks start 100 ms apart: 120 firings over ~7.5 s.
    const n = 60;
    const t0 = Date.now() + 500;
    const convs = Array.from({ length: n }, (_, i) => uniq(`conv${i}`));
    await kafka.produce(Topics.chat, convs.map((c, i) => (stamp(customerMessage(c, 'Hello?'), at(t0 + i * 100)))));

    // Kill one instance while timers are firing on both.
    await waitFor('first breaches', () => sla.filter((m) => m.json?.type === 'cx.sla.breached.v1').length >= 5, 20_000);
    const killedAt = Date.now();
    const killed = await a.stop('SIGKILL');
    expect(killed).toBeNull();
    procs.push(await startServiceProcess('sla-monitor', env)); // the restart

    // A marker due well after the killed instance's leases expired: once it fired, recovery is over.
    const marker = uniq('marker');
    await kafka.produce(Topics.chat, [stamp(customerMessage(marker, 'Hello?'), at(Date.now() + 2_000))]);
    await waitFor('marker breach', () => sla.find((m) => m.json?.subject === marker && m.json.type === 'cx.sla.breached.v1'), 30_000);

    const mine = firstCopies(sla.filter((m) => convs.includes(m.json!.subject)), killedAt);
    for (const [i, c] of convs.entries()) {
      const types = mine.filter((m) => m.json!.subject === c).map((m) => `${m.json!.type}@${m.json!.data.at as string}`).sort();
      expect(types).toEqual([`cx.sla.breached.v1@${at(t0 + i * 100 + 3000)}`, `cx.sla.warning.v1@${at(t0 + i * 100 + 1500)}`]);
    }
    const requests = firstCopies(escalations.filter((m) => m.json?.type === 'cx.escalation.requested.v1' && convs.includes(m.json.subject)), killedAt);
    expect(requests).toHaveLength(n);
  }, 120_000);
});
