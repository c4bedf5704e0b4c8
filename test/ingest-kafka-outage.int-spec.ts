// Kafka stopped → the gateway answers 503 with Retry-After within its bounded wait (never the
// platform's whole timeout); Kafka back → the platform's retry of the same delivery gets 200 and
// the event is on its input topic: nothing is lost. Restarts the shared broker, so like the other
// fault tests it relies on the integration project running one file at a time.
import { Topics } from '@cx/contracts';
import { startGatewayProcess, type GatewayProcess } from '../apps/ingest-gateway/src/testing/gateway-process';
import { customerMessage, deliver } from '../apps/ingest-gateway/src/testing/platform-client';
import { StackFixture } from './support/stack-fixture';
import { waitFor } from './support/wait-for';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const infra = require('../scripts/infra.js');

const PUBLISH_TIMEOUT_MS = 2000;

describe('ingest gateway while Kafka is down', () => {
  const stack = new StackFixture({ GATEWAY_PUBLISH_TIMEOUT_MS: String(PUBLISH_TIMEOUT_MS), GATEWAY_RETRY_AFTER_SECONDS: '1' });
  let gw: GatewayProcess;

  beforeAll(async () => {
    gw = await startGatewayProcess(stack.env);
  }, 90_000);
  afterAll(async () => {
    await gw?.stop();
    await stack.stop();
  }, 60_000);

  it('answers 503 + Retry-After while the broker is stopped, then accepts the retry and loses nothing', async () => {
    // Warm up the producer so the outage, not the first connection, is what the test measures.
    const warm = customerMessage(gw, 'zendesk', '900001', 'warm-up');
    expect((await deliver(gw, warm.delivery)).status).toBe(200);

    const port = Number((process.env.CX_TEST_BROKERS ?? '127.0.0.1:9092').split(':').pop());
    const restarting: Promise<void> = infra.restart('kafka', { downMs: 8000 });
    await waitFor('broker stopped', async () => !(await infra.portOpen(port)), 40_000, 100);

    const { delivery, conversationId } = customerMessage(gw, 'zendesk', '900002', 'Nobody answers, this is unacceptable!');
    const t0 = Date.now();
    const during = await deliver(gw, delivery);
    const waitedMs = Date.now() - t0;
    expect(during.status).toBe(503);
    expect(during.headers.get('retry-after')).toBe('1');
    expect(waitedMs).toBeLessThan(PUBLISH_TIMEOUT_MS + 1500);
    // While the produce request hangs, further requests fail fast instead of queueing.
    const t1 = Date.now();
    expect((await deliver(gw, customerMessage(gw, 'zendesk', '900003', 'x').delivery)).status).toBe(503);
    expect(Date.now() - t1).toBeLessThan(PUBLISH_TIMEOUT_MS + 1500);
    expect((await fetch(`${gw.url}/health`)).status).toBe(503);

    await restarting;
    // The platform retries the same delivery until it is acknowledged.
    const retry = await waitFor('the retry acknowledged', async () => {
      const r = await deliver(gw, delivery);
      return r.status === 200 ? r : undefined;
    }, 60_000, 1000);
    expect(retry.body).toMatchObject({ status: 'published', published: 1 });

    const email = await stack.kafka.collect(Topics.email);
    const ids = await waitFor('the event on cx.interactions.email', () => {
      const mine = email.filter((m) => m.json?.subject === conversationId);
      return mine.length ? mine.map((m) => m.json!.id) : undefined;
    }, 30_000);
    // Possibly twice (the timed-out send may still have gone through): the same id, deduped downstream.
    expect(new Set(ids).size).toBe(1);
    await waitFor('healthy again', async () => (await fetch(`${gw.url}/health`)).status === 200, 30_000, 250);
  }, 180_000);
});
