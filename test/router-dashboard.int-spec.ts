import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { Topics } from '@cx/contracts';
import { escalationId } from '@cx/routing';
import { uniq } from './support/ids';
import { escalationRequest, KEYS, RouterFixture } from './support/router-fixture';
import { waitFor } from './support/wait-for';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = join(__dirname, '..', 'test-artifacts');

/** The dashboard in a real headless Chromium (Debian's package), against a router on real Kafka and Redis. */
describe('router dashboard in headless Chromium', () => {
  const fx = new RouterFixture();
  let context: BrowserContext;
  let profile: string;

  beforeAll(async () => {
    // Not a skip: without the browser this test cannot say anything, so it fails and says why.
    if (!existsSync(CHROMIUM)) throw new Error(`Chromium is missing at ${CHROMIUM}: install Debian's package (apt-get install -y chromium)`);
    await fx.start(1);
    profile = mkdtempSync(join(tmpdir(), 'cx-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync'],
      viewport: { width: 1280, height: 900 },
    });
  }, 120_000);
  afterAll(async () => {
    await context?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    await fx.stop();
  }, 60_000);

  it('shows an escalation produced on Kafka live, and acknowledges it with a click', async () => {
    const page = await context.newPage();
    await page.goto(`${fx.url}/`);
    await page.getByTestId('api-key-input').fill(KEYS.supervisor);
    await page.getByTestId('api-key-save').click();
    await page.waitForSelector('[data-testid="stream-status"][data-state="connected"]', { timeout: 10_000 });

    const conv = uniq('conv-ui');
    const id = escalationId('default', conv, 1);
    await fx.kafka.produce(Topics.escalations, [escalationRequest(conv, [{
      code: 'sla_breached', detail: 'first response overdue by 4 minutes',
      sla: { policyId: 'vip-chat', metric: 'firstResponse', dueAt: new Date(Date.now() - 240_000).toISOString(), threshold: 1 },
    }], { customerId: 'cust-ui', tier: 'vip' })]);

    const card = page.getByTestId(`escalation-${id}`);
    await card.waitFor({ timeout: 15_000 });
    expect(await card.getAttribute('data-severity')).toBe('critical');
    expect(await page.getByTestId(`status-${id}`).textContent()).toBe('open');
    expect(await page.getByTestId(`sla-${id}`).textContent()).toMatch(/overdue/);
    expect(await page.getByTestId(`actions-${id}`).textContent()).toMatch(/Supervisor take-over/);

    await page.getByTestId(`ack-${id}`).click();
    await page.waitForSelector(`[data-testid="status-${id}"][data-status="acknowledged"]`, { timeout: 10_000 });
    const stored = await waitFor('acknowledged in the API', async () =>
      ((await fx.api('/api/escalations', KEYS.supervisor)).body as { escalationId: string; status: string; acknowledgedBy?: string }[])
        .find((e) => e.escalationId === id && e.status === 'acknowledged'));
    expect(stored.acknowledgedBy).toBe('sup-1');

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'router-dashboard.png'), fullPage: true });
    expect(existsSync(join(ARTIFACTS, 'router-dashboard.png'))).toBe(true);
  }, 60_000);
});
