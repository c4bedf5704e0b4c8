import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Topics } from '@cx/contracts';
import { customerMessage, opened } from './support/events';
import { uniq } from './support/ids';
import type { Received } from './support/kafka-test-client';
import { StackFixture } from './support/stack-fixture';
import { waitFor } from './support/wait-for';

const at = (ms: number) => new Date(ms).toISOString();
const slaOf = (list: Received[], conv: string, type: string) => list.filter((m) => m.json?.subject === conv && m.json.type === type);
const metric = async (url: string, re: RegExp) => Number(re.exec(await (await fetch(`${url}/metrics`)).text())?.[1] ?? NaN);

/** Live reload of SLA_POLICIES_FILE under a running sla-monitor with open clocks (docs/contract.md (SLA semantics)). */
describe('sla-monitor: policy file reloads', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cx-sla-reload-'));
  const file = join(dir, 'policies.yaml');
  copyFileSync(join(__dirname, 'fixtures', 'sla', 'fast-policies.yaml'), file); // fast-chat: first response 3 s, warning at 50 %
  const stack = new StackFixture({ SLA_POLICIES_FILE: file });
  let sla: Received[];

  beforeAll(async () => {
    await stack.start('sla-monitor');
    sla = await stack.kafka.collect(Topics.sla);
  }, 120_000);
  afterAll(() => stack.stop(), 60_000);

  it('applies a tighter file to a running clock at the reload instant, fires nothing twice, and keeps it when the next file is invalid', async () => {
    const conv = uniq('conv-reload');
    const t0 = Date.now() + 200;
    // Long enough that the clock is still running when the new file lands: a 60 s target.
    writeFileSync(file, 'policies:\n  - { id: fast-chat, match: { channel: chat }, targets: { firstResponse: PT60S }, warnAt: [0.01] }\n');
    await waitFor('first reload applied', async () => (await metric(stack.url('sla-monitor'), /cx_sla_policy_reloads_total\{outcome="applied"[^}]*\} (\d+)/)) >= 1, 10_000);
    await stack.kafka.produce(Topics.chat, [{ ...opened(conv, 'c'), time: at(t0) }, { ...customerMessage(conv, 'Hi'), time: at(t0) }]);
    await waitFor('the 1 % warning (600 ms)', () => slaOf(sla, conv, 'cx.sla.warning.v1').length === 1, 15_000);
    // The tighter file: first response within 2 s, warnings at 1 % (fired already) and 50 %.
    writeFileSync(file, 'policies:\n  - { id: fast-chat, match: { channel: chat }, targets: { firstResponse: PT2S }, warnAt: [0.01, 0.5] }\n');
    const breach = await waitFor('the breach under the new target', () => slaOf(sla, conv, 'cx.sla.breached.v1')[0], 15_000);
    expect(breach.json!.data).toMatchObject({ targetMs: 2_000, dueAt: at(t0 + 2_000), at: at(t0 + 2_000) });
    const warnings = slaOf(sla, conv, 'cx.sla.warning.v1').map((m) => m.json!.data.threshold);
    expect(warnings).toEqual([0.01, 0.5]);
    const ids = sla.filter((m) => m.json?.subject === conv).map((m) => m.json!.id);
    expect(new Set(ids).size).toBe(ids.length);

    // An invalid file is rejected; the last valid policies stay in force for new conversations.
    writeFileSync(file, 'policies:\n  - { id: fast-chat, targets: { firstResponse: "two seconds" } }\n');
    await waitFor('rejected', async () => (await metric(stack.url('sla-monitor'), /cx_sla_policy_reloads_total\{outcome="rejected"[^}]*\} (\d+)/)) === 1, 10_000);
    const next = uniq('conv-after');
    const t1 = Date.now();
    await stack.kafka.produce(Topics.chat, [{ ...opened(next, 'c'), time: at(t1) }, { ...customerMessage(next, 'Hi again'), time: at(t1) }]);
    const breach2 = await waitFor('a breach under the kept policies', () => slaOf(sla, next, 'cx.sla.breached.v1')[0], 15_000);
    expect(breach2.json!.data).toMatchObject({ policyId: 'fast-chat', targetMs: 2_000 });
    expect(stack.services.get('sla-monitor')!.output()).toMatch(/rejected, the previous configuration stays in force: .*firstResponse/);
  }, 60_000);
});
