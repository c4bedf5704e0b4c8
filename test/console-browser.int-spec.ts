import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type Redis from 'ioredis';
import type { Page } from 'playwright-core';
import { Topics } from '@cx/contracts';
import { KeySpace } from '@cx/redis';
import { RouterKeys } from '../apps/router/src/router-keys';
import { escalationId } from '@cx/routing';
import { uniq } from './support/ids';
import { agentBody, KEYS, RouterFixture } from './support/router-fixture';
import { requestWithMessages, testRedis } from './support/console-fixture';
import { axeViolations, cspViolations, launchConsole, signIn, type ConsoleBrowser } from './support/console-browser';
import { waitFor } from './support/wait-for';

// Browser globals of the functions that run inside the page (serialized by Playwright; this file compiles without the DOM lib).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
declare const window: any, document: any;

const ARTIFACTS = join(__dirname, '..', 'test-artifacts');
const DOCS = join(__dirname, '..', 'docs', 'console');

/** Keeps a screenshot as a test artefact and a copy for the README (docs/console/). */
async function keep(page: Page, name: string, selector?: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  mkdirSync(DOCS, { recursive: true });
  const path = join(ARTIFACTS, name);
  if (selector) await page.locator(selector).screenshot({ path });
  else await page.screenshot({ path });
  expect(existsSync(path)).toBe(true);
  copyFileSync(path, join(DOCS, name));
}

/** The supervisor console in Chromium against a router on real Kafka and Redis, under a strict CSP. */
describe('console in headless Chromium', () => {
  const fx = new RouterFixture({ teams: { default: 'support' } });
  let browser: ConsoleBrowser;
  let redis: Redis;
  let sup: Page;

  beforeAll(async () => {
    await fx.start(1);
    redis = testRedis();
    for (const [id, body] of [
      ['a1', agentBody('Anna Agent', 'agent')], ['a2', agentBody('Ben Agent', 'agent')],
      ['sup-1', agentBody('Sue Supervisor', 'supervisor', { teams: ['support', 'billing'] })],
    ] as const) expect((await fx.putAgent(id, body)).status).toBe(200);
    browser = await launchConsole(fx.url);
    sup = await browser.context.newPage();
    await signIn(sup, fx.url, KEYS.supervisor);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    redis?.disconnect();
    await fx.stop();
  }, 60_000);

  const produce = (conv: string, reasons: Parameters<typeof requestWithMessages>[1], messages: Parameters<typeof requestWithMessages>[2],
    o: Parameters<typeof requestWithMessages>[3] = {}) => fx.kafka.produce(Topics.escalations, [requestWithMessages(conv, reasons, messages, o)]);

  it('shows an escalation produced on Kafka live, with the customer\'s own last messages and who has it until when', async () => {
    const conv = uniq('conv-words');
    const id = escalationId('default', conv, 1);
    await produce(conv, [{ code: 'negative_emotion', detail: 'negative emotion in a customer message', evidence: [{ cue: 'outrageous', kind: 'lexicon', text: 'outrageous' }] }], [
      { messageId: 'm1', text: 'Hello, where is my refund?', negative: false },
      { messageId: 'm2', text: 'This is outrageous! Call me on +49 170 1234567 today.' },
    ], { customerId: 'cust-4711' });
    const card = sup.getByTestId(`escalation-${id}`);
    await card.waitFor({ timeout: 15_000 });
    // Newest first, masked, the flagged one marked.
    expect(await sup.getByTestId(`message-${id}-0`).textContent()).toMatch(/This is outrageous! Call me on \[phone\] today\.\s*flagged negative$/);
    expect(await sup.getByTestId(`message-${id}-1`).textContent()).toContain('Hello, where is my refund?');
    expect(await sup.getByTestId(`messages-${id}`).textContent()).not.toContain('1234567');
    expect(await sup.getByTestId(`assignee-${id}`).textContent()).toBe('With a1');
    expect(await sup.getByTestId(`ack-due-${id}`).textContent()).toMatch(/^acknowledge by .+ \(59:\d\d\)$/);
    expect(await sup.getByTestId(`next-${id}`).textContent()).toBe('then to another agent of the team');
    expect(await sup.getByTestId(`evidence-${id}-0`).textContent()).toContain('outrageous');
    expect(await sup.getByTestId(`actions-${id}`).textContent()).toMatch(/Apologise/);
    await waitFor('wallboard counts it', async () => (await sup.getByTestId('wall-open-low-value').textContent()) === '1');
    await waitFor('team row', async () => (await sup.getByTestId('wall-online-support').count()) === 1);
    await keep(sup, 'console-card.png', `[data-testid="escalation-${id}"]`);
    expect(await cspViolations(sup)).toEqual([]);
  }, 60_000);

  it('rings and shows a desktop notification for a new critical escalation once switched on, and counts in the tab title', async () => {
    await sup.getByTestId('alerts-toggle').check();
    const before = await sup.evaluate(() => (window as unknown as { __notifications: unknown[] }).__notifications.length);
    const conv = uniq('conv-critical');
    const id = escalationId('default', conv, 1);
    await produce(conv, [{ code: 'complaint_intent', detail: 'complaint: legal_threat' }], [{ messageId: 'm1', text: 'My lawyer will hear about this.' }],
      { intents: ['legal_threat'], customerId: 'cust-legal' });
    await sup.getByTestId(`escalation-${id}`).waitFor({ timeout: 15_000 });
    expect(await sup.getByTestId(`escalation-${id}`).getAttribute('data-severity')).toBe('critical');
    const notes = await waitFor('a desktop notification', async () => {
      const n = await sup.evaluate(() => (window as unknown as { __notifications: { title: string; body: string; tag: string }[] }).__notifications);
      return n.length > before ? n : undefined;
    });
    expect(notes.at(-1)).toMatchObject({ title: 'New critical escalation', tag: id });
    expect(notes.at(-1)!.body).toContain(conv);
    expect(await sup.evaluate(() => (window as unknown as { __beeps: number[] }).__beeps.length)).toBeGreaterThan(0);
    // Two open, unacknowledged escalations so far.
    await waitFor('title count', async () => (await sup.title()) === '(2) Escalations');
    await keep(sup, 'console-wallboard.png');
  }, 60_000);

  it('moves a reassigned escalation from one agent\'s view to the other\'s', async () => {
    const [a1, a2] = [await browser.context.newPage(), await browser.context.newPage()];
    await signIn(a1, fx.url, KEYS.agentA1);
    await signIn(a2, fx.url, KEYS.agentA2);
    const conv = uniq('conv-move');
    const id = escalationId('default', conv, 1);
    await produce(conv, [{ code: 'negative_emotion', detail: 'upset' }], [{ messageId: 'm1', text: 'Nobody ever answers here.' }]);
    await sup.getByTestId(`escalation-${id}`).waitFor({ timeout: 15_000 });
    const holder = (await sup.getByTestId(`assignee-${id}`).textContent())!.replace('With ', '');
    const [from, to, toId] = holder === 'a1' ? [a1, a2, 'a2'] : [a2, a1, 'a1'];
    await from.getByTestId(`escalation-${id}`).waitFor({ timeout: 10_000 });
    expect(await to.getByTestId(`escalation-${id}`).count()).toBe(0);

    await sup.getByTestId(`reassign-${id}`).click();
    await sup.getByTestId('reassign-to').selectOption({ label: await sup.getByTestId(`reassign-option-${toId}`).first().textContent() as string });
    await sup.getByTestId('reassign-note').fill('knows the customer');
    await sup.getByTestId('dialog-save').click();
    await to.getByTestId(`escalation-${id}`).waitFor({ timeout: 10_000 });
    await from.getByTestId(`escalation-${id}`).waitFor({ state: 'detached', timeout: 10_000 });
    // Every page has its own live stream: the supervisor's may show the change after the agents' do.
    await waitFor(`the supervisor sees the escalation with ${toId}`, async () => (await sup.getByTestId(`assignee-${id}`).textContent()) === `With ${toId}`, 10_000);
    await waitFor('the new holder sees the note', async () => (await to.getByTestId(`notes-${id}`).textContent())?.includes('knows the customer'), 10_000);
    // Focus went back to the button that opened the dialog.
    expect(await sup.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe(`reassign-${id}`);
    await Promise.all([a1.close(), a2.close()]);
  }, 90_000);

  it('stores feedback, and after a resolve the history shows the escalation with its times', async () => {
    const conv = uniq('conv-fb');
    const id = escalationId('default', conv, 1);
    await produce(conv, [{ code: 'negative_emotion', detail: 'flagged' }], [{ messageId: 'm-calm', text: 'Kein Problem, ich warte gern.', language: 'de' }], { language: 'de' });
    await sup.getByTestId(`escalation-${id}`).waitFor({ timeout: 15_000 });
    await sup.getByTestId(`feedback-not_negative-${id}`).click();
    await waitFor('feedback shown', async () => (await sup.getByTestId(`notes-${id}`).textContent())?.includes('Reported as a false alarm by sup-1'));
    const label = await waitFor('label in Redis', async () => (await redis.lrange(new RouterKeys(new KeySpace(`${fx.prefix}:`, 'rt', 32)).feedbackLabels('default').key, 0, -1))
      .map((s) => JSON.parse(s)).find((l) => l.escalationId === id));
    expect(label).toMatchObject({ text: 'Kein Problem, ich warte gern.', language: 'de', verdict: 'not_negative', negative: false, by: 'sup-1', messageId: 'm-calm' });
    expect(await sup.getByTestId(`feedback-not_negative-${id}`).getAttribute('aria-pressed')).toBe('true');

    await sup.getByTestId(`ack-${id}`).click();
    await sup.waitForSelector(`[data-testid="status-${id}"][data-status="acknowledged"]`, { timeout: 10_000 });
    await sup.getByTestId(`resolve-${id}`).click();
    await sup.getByTestId(`escalation-${id}`).waitFor({ state: 'detached', timeout: 10_000 });

    await sup.getByTestId('nav-history').click();
    const row = sup.getByTestId(`history-row-${id}`);
    await row.waitFor({ timeout: 10_000 });
    expect(await sup.getByTestId(`history-tta-${id}`).textContent()).toMatch(/^\d+ s$|^\d+ min \d\d s$/);
    expect(await sup.getByTestId(`history-ttr-${id}`).textContent()).toMatch(/^\d+ s$|^\d+ min \d\d s$/);
    expect(await sup.getByTestId(`history-fb-${id}`).textContent()).toContain('Reported as a false alarm by sup-1');
    const api = (await fx.api('/api/history?limit=200', KEYS.supervisor)).body.items.find((h: { escalationId: string }) => h.escalationId === id);
    expect(api.timeToResolveMs).toBeGreaterThanOrEqual(api.timeToAcknowledgeMs);
    const [download] = await Promise.all([sup.waitForEvent('download'), sup.getByTestId('history-export').click()]);
    expect(download.suggestedFilename()).toMatch(/^escalations-\d{4}-\d{2}-\d{2}\.csv$/);
    await keep(sup, 'console-history.png');
    await sup.getByTestId('nav-board').click();
  }, 60_000);

  it('filters by severity, channel, team, language and "assigned to me", and searches by customer or conversation', async () => {
    const shown = async () => sup.locator('li.card:not([hidden])').evaluateAll((n) => n.map((x) => x.getAttribute('data-escalation-id')));
    const all = await shown();
    expect(all.length).toBeGreaterThanOrEqual(2);
    await sup.getByTestId('filter-severity').selectOption('critical');
    expect((await shown()).every((id) => id && all.includes(id))).toBe(true);
    expect(await sup.locator('li.card:not([hidden])[data-severity="critical"]').count()).toBe((await shown()).length);
    await sup.getByTestId('filter-reset').click();
    await sup.getByTestId('filter-search').fill('cust-legal');
    expect((await shown()).length).toBe(1);
    await sup.getByTestId('filter-search').fill('');
    await sup.getByTestId('filter-mine').check();
    // The critical one went to sup-1 (a supervisor gets critical escalations).
    expect(await sup.locator('li.card:not([hidden]) [data-testid^="assignee-"]').allTextContents()).toEqual(expect.arrayContaining(['With supervisor sup-1']));
    for (const text of await sup.locator('li.card:not([hidden]) [data-testid^="assignee-"]').allTextContents()) expect(text).toBe('With supervisor sup-1');
    await sup.getByTestId('filter-reset').click();
    expect((await shown()).length).toBe(all.length);
  }, 30_000);

  it('works by keyboard alone: a note is written and saved without a mouse, focus comes back', async () => {
    const first = sup.locator('li.card:not([hidden])').first();
    const id = await first.getAttribute('data-escalation-id');
    await sup.getByTestId(`note-${id}`).focus();
    await sup.keyboard.press('Enter');
    await sup.getByTestId('note-text').waitFor();
    expect(await sup.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('note-text');
    await sup.keyboard.type('called back, customer calmer');
    await sup.keyboard.press('Tab');
    await sup.keyboard.press('Tab');
    await sup.keyboard.press('Enter');
    await waitFor('note on the card', async () => (await sup.getByTestId(`notes-${id}`).textContent())?.includes('called back, customer calmer'));
    expect(await sup.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe(`note-${id}`);
  }, 30_000);

  it('has no serious or critical accessibility violation (axe-core) on the board, the dialog and the history', async () => {
    expect(await axeViolations(sup)).toEqual([]);
    const id = await sup.locator('li.card:not([hidden])').first().getAttribute('data-escalation-id');
    await sup.getByTestId(`reassign-${id}`).click();
    await sup.getByTestId('reassign-to').waitFor();
    expect(await axeViolations(sup)).toEqual([]);
    await sup.keyboard.press('Escape');
    await sup.getByTestId('nav-history').click();
    await sup.getByTestId('history-summary').waitFor();
    expect(await axeViolations(sup)).toEqual([]);
    await sup.getByTestId('nav-board').click();
    expect(await cspViolations(sup)).toEqual([]);
  }, 60_000);

  it('speaks German to a German browser (dates in its locale and zone), can be switched, and fits a tablet', async () => {
    const de = await launchConsole(fx.url, { locale: 'de-DE', timezoneId: 'Europe/Berlin', viewport: { width: 820, height: 1180 }, hasTouch: true, isMobile: true });
    try {
      const page = await de.context.newPage();
      await signIn(page, fx.url, KEYS.supervisor);
      await page.locator('li.card').first().waitFor({ timeout: 10_000 });
      expect(await page.evaluate(() => document.documentElement.lang)).toBe('de');
      expect(await page.getByTestId('stream-status').textContent()).toBe('live');
      expect(await page.locator('#g-critical').textContent()).toBe('Kritisch');
      const id = await page.locator('li.card[data-severity="critical"]').first().getAttribute('data-escalation-id');
      expect(await page.getByTestId(`ack-${id}`).textContent()).toBe('Bestätigen');
      expect(await page.getByTestId(`messages-${id}`).textContent()).toMatch(/^Worte der Kund:in/);
      expect(await page.getByTestId(`actions-${id}`).textContent()).toMatch(/Übernahme durch Supervision/);
      // 24-hour clock of de-DE, in Berlin time.
      const at = await page.locator(`[data-testid="reason-${id}-0"] time`).getAttribute('datetime');
      const berlin = new Intl.DateTimeFormat('de-DE', { hour: '2-digit', minute: '2-digit', timeZone: 'Europe/Berlin' }).format(new Date(at!));
      expect(await page.locator(`[data-testid="reason-${id}-0"] time`).textContent()).toBe(berlin);
      expect(await axeViolations(page)).toEqual([]);
      // A tablet: nothing wider than the screen, touch-sized buttons.
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
      expect((await page.getByTestId(`ack-${id}`).boundingBox())!.height).toBeGreaterThanOrEqual(44);
      await keep(page, 'console-tablet-de.png');
      await page.getByTestId('lang-select').selectOption('en');
      expect(await page.locator('#g-critical').textContent()).toBe('Critical');
      expect(await page.getByTestId(`ack-${id}`).textContent()).toBe('Acknowledge');
      expect(await cspViolations(page)).toEqual([]);
    } finally {
      await de.close();
    }
  }, 90_000);
});
