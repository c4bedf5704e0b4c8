// The console's "within SLA today" is the sla-monitor's attainment: clocks that ended, met or
// breached, counted by the sla-monitor and read by the router, each under the team its routing
// rules give the conversation (here the queue). A supervisor sees their own teams' figure.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Topics } from '@cx/contracts';
import { agentMessage, customerMessage, opened } from './support/events';
import { uniq } from './support/ids';
import type { Received } from './support/kafka-test-client';
import { StackFixture, SUPERVISOR_KEY } from './support/stack-fixture';
import { waitFor } from './support/wait-for';

const POLICIES = join(__dirname, 'fixtures', 'sla', 'fast-policies.yaml');
const at = (ms: number) => new Date(ms).toISOString();
const stamp = <E extends { time: string }>(e: E, time: string): E => ({ ...e, time });

function routingConfig(): string {
  const file = join(mkdtempSync(join(tmpdir(), 'cx-att-')), 'routing.json');
  writeFileSync(file, JSON.stringify({ defaults: { teams: { default: 'support', rules: [{ match: { queues: ['billing'] }, team: 'billing' }] } } }));
  return file;
}

describe('SLA attainment on the wallboard (sla-monitor → router)', () => {
  const stack = new StackFixture({ SLA_POLICIES_FILE: POLICIES, ROUTER_CONFIG_FILE: routingConfig() });
  let sla: Received[];

  beforeAll(async () => {
    await stack.start('sla-monitor', 'router');
    sla = await stack.kafka.collect(Topics.sla);
  }, 120_000);
  afterAll(() => stack.stop(), 60_000);

  it('counts met and breached clocks per team, and the supervisor sees their team only', async () => {
    const [met, breached, billing] = [uniq('att-met'), uniq('att-breached'), uniq('att-billing')];
    const t0 = Date.now();
    await stack.kafka.produce(Topics.chat, [
      stamp(opened(met, 'cust-a'), at(t0)), stamp(customerMessage(met, 'Hello?'), at(t0 + 10)), stamp(agentMessage(met, 'Hi, how can I help?'), at(t0 + 500)),
      stamp(opened(breached, 'cust-b'), at(t0)), stamp(customerMessage(breached, 'Anyone there?'), at(t0 + 10)),
      stamp(opened(billing, 'cust-c', 'chat', { queue: 'billing' }), at(t0)), stamp(customerMessage(billing, 'My invoice?'), at(t0 + 10)),
      stamp(agentMessage(billing, 'Looking into it'), at(t0 + 400)),
    ]);
    await waitFor('the breach', () => sla.find((m) => m.json?.subject === breached && m.json.type === 'cx.sla.breached.v1'), 20_000);
    const since = encodeURIComponent(at(t0 - 3_600_000));
    const wall = await waitFor('the wallboard counts both support clocks', async () => {
      const r = await fetch(`${stack.url('router')}/api/console/wallboard?since=${since}`, { headers: { authorization: `Bearer ${SUPERVISOR_KEY}` } });
      const body = (await r.json()) as { totals: { sla: Record<string, unknown> }; teams: { team: string; sla: Record<string, unknown> }[] };
      return body.totals.sla.met === 1 && body.totals.sla.breached === 1 ? body : undefined;
    }, 20_000);
    expect(wall.totals.sla).toMatchObject({ met: 1, breached: 1, attainment: 0.5, source: 'sla-monitor' });
    // The billing conversation's met clock belongs to team billing, which this supervisor does not lead.
    expect(wall.teams.map((t) => t.team)).toEqual(['support']);
    expect(wall.teams[0].sla).toMatchObject({ met: 1, breached: 1 });
  }, 60_000);
});
