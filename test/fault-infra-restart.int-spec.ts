import { Topics } from '@cx/contracts';
import { customerMessage } from './support/events';
import { uniq } from './support/ids';
import { StackFixture } from './support/stack-fixture';
import { waitFor } from './support/wait-for';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const infra = require('../scripts/infra.js');

const health = async (url: string) => (await fetch(`${url}/health`).catch(() => undefined))?.status;

/**
 * Restarts the shared broker and Redis, so this file must not run beside other suites: the
 * integration project runs test files one at a time (maxWorkers 1).
 */
describe('infrastructure restarts', () => {
  const stack = new StackFixture();
  beforeAll(() => stack.start('emotion-detector', 'router'), 120_000);
  afterAll(() => stack.stop(), 60_000);

  it('reconnects after a Kafka broker restart and catches up on what was produced meanwhile', async () => {
    const signals = await stack.kafka.collect(Topics.signals);
    const before = uniq('before');
    await stack.kafka.produce(Topics.chat, [customerMessage(before, 'Thanks, all good.')]);
    await waitFor('signal before the restart', () => signals.some((m) => m.json?.subject === before));

    await infra.restart('kafka', { downMs: 2000 });
    const after = Array.from({ length: 50 }, (_, i) => customerMessage(uniq(`after${i}`), i % 2 ? 'This is unacceptable!' : 'Thanks, all good.'));
    await waitFor('producing after the restart', async () => { await stack.kafka.produce(Topics.chat, after); return true; }, 60_000, 500);
    await waitFor('every message after the restart processed', () => after.every((e) => signals.some((m) => m.json?.subject === e.subject)), 120_000, 250);
    expect(await health(stack.url('emotion-detector'))).toBe(200);
  }, 240_000);

  it('waits through a Redis restart and keeps conversation state (AOF)', async () => {
    const signals = await stack.kafka.collect(Topics.signals);
    const conv = uniq('streak');
    await stack.kafka.produce(Topics.chat, [customerMessage(conv, 'This is unacceptable!'), customerMessage(conv, 'Das ist eine Frechheit!')]);
    await waitFor('two flags', () => signals.filter((m) => m.json?.subject === conv).length === 2);

    await infra.restart('redis', { downMs: 1500 });
    await stack.kafka.produce(Topics.chat, [customerMessage(conv, 'I am furious, nobody helps me!!!')]);
    const third = await waitFor('third flag after the restart', () => signals.filter((m) => m.json?.subject === conv)[2], 60_000, 200);
    // The streak counts across the restart only if the state survived in Redis.
    expect(third.json!.data.streak).toBe(3);
    await waitFor('healthy again', async () => (await health(stack.url('emotion-detector'))) === 200, 30_000, 250);
  }, 180_000);
});
