/*
 * The browser half of the security tests, in Debian's headless Chromium with the router's CSP on:
 * single sign-on through the real provider's login page (authorization code + PKCE done by
 * dashboard/auth.js), a customer message carrying XSS payloads rendered by the dashboard, and
 * the API explorer. Relies on the dashboard's hooks: data-testid sso-<provider>, principal,
 * stream-status[data-state], escalation-<id>, reason-<id>-<i>, evidence-<id>-<i>, promise-<id>-<promiseId>.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { Topics } from '@cx/contracts';
import { escalationId } from '@cx/routing';
import { uniq } from './ids';
import { KC_USERS } from './oidc-fixture';
import { escalationRequest, type RouterFixture } from './router-fixture';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = join(__dirname, '..', '..', 'test-artifacts');
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/** Markup that would run script if it were ever parsed as HTML. */
export const XSS_PAYLOADS = [
  '<img src=x onerror="window.__xss=\'img\'">',
  '<script>window.__xss=\'script\'</script>',
  '"><svg/onload="window.__xss=\'svg\'">',
  '<iframe srcdoc="<script>parent.__xss=\'iframe\'</script>"></iframe>',
];

interface Violation { directive: string; blocked: string }
/** What the page-side callbacks touch (the project compiles without the DOM library). */
interface Win {
  __csp: Violation[];
  __xss?: string;
  __bypass?: number;
  sessionStorage: { getItem(k: string): string | null };
  localStorage: object;
  document: {
    addEventListener(type: string, fn: (e: { violatedDirective: string; blockedURI: string }) => void): void;
    createElement(tag: string): { innerHTML: string };
    body: { appendChild(n: unknown): void };
  };
}
const violations = (page: Page) => page.evaluate(() => (globalThis as unknown as Win).__csp);

export async function runBrowserChecks(o: { fx: RouterFixture; issuer: string; secrets: Set<string> }): Promise<{ urls: string[] }> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium is missing at ${CHROMIUM}: apt-get install -y chromium`);
  const { fx } = o;
  const profile = mkdtempSync(join(tmpdir(), 'cx-chromium-sec-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: ARGS, viewport: { width: 1280, height: 900 } });
  const urls: string[] = [];
  context.on('request', (r) => { urls.push(r.url()); });
  // Before any page script: record CSP violations and anything a payload would set.
  await context.addInitScript(() => {
    const w = globalThis as unknown as Win;
    w.__csp = [];
    w.document.addEventListener('securitypolicyviolation', (e) => w.__csp.push({ directive: e.violatedDirective, blocked: e.blockedURI }));
  });
  try {
    const page = await context.newPage();
    const dialogs: string[] = [];
    page.on('dialog', (dlg) => { dialogs.push(dlg.message()); void dlg.dismiss(); });

    // --- single sign-on: the dashboard's button, Keycloak's own login form, back to the router's "/".
    await page.goto(`${fx.url}/`);
    await page.getByTestId('sso-keycloak').click();
    await page.waitForURL((u) => u.toString().startsWith(o.issuer), { timeout: 20_000 });
    await page.fill('#username', KC_USERS.sup1.username);
    await page.fill('#password', KC_USERS.sup1.password);
    await page.click('#kc-login');
    await page.waitForSelector('[data-testid="stream-status"][data-state="connected"]', { timeout: 20_000 });
    expectEqual('the address bar after sign-in (code and state removed)', page.url(), `${fx.url}/`);
    expectEqual('principal shown', await page.getByTestId('principal').textContent(), 'sup1 · default');
    const stored = await page.evaluate(() => {
      const w = globalThis as unknown as Win;
      return { session: w.sessionStorage.getItem('cx.auth.session'), local: JSON.stringify(w.localStorage) };
    });
    const session = JSON.parse(stored.session ?? '{}') as { kind?: string; accessToken?: string; refreshToken?: string };
    expectEqual('session kind', session.kind, 'oidc');
    for (const s of [session.accessToken, session.refreshToken]) if (s) o.secrets.add(s);
    expectEqual('nothing in localStorage holds the token', stored.local.includes(session.accessToken ?? '\u0000'), false);

    // --- a customer message with XSS payloads, rendered through the dashboard.
    const conv = uniq('conv-xss');
    const id = escalationId('default', conv, 1);
    const text = `I am furious! ${XSS_PAYLOADS.join(' ')}`;
    await fx.kafka.produce(Topics.escalations, [escalationRequest(conv, [{
      code: 'negative_emotion', detail: `customer wrote: ${XSS_PAYLOADS[0]}`, evidence: [{ cue: 'furious', kind: 'lexicon', text }],
    }], { customerId: 'cust-xss', openPromises: [{ promiseId: 'p1', kind: 'callback', dueAt: new Date(Date.now() + 3_600_000).toISOString(), description: XSS_PAYLOADS[1] }] })]);
    const card = page.getByTestId(`escalation-${id}`);
    await card.waitFor({ timeout: 20_000 });
    expectEqual('evidence rendered as text', (await page.getByTestId(`evidence-${id}-0`).textContent())?.includes(XSS_PAYLOADS[3]), true);
    expectEqual('detail rendered as text', (await page.getByTestId(`reason-${id}-0`).textContent())?.includes(XSS_PAYLOADS[0]), true);
    await card.locator('details.more > summary').click(); // the console builds a card's context when it is opened
    expectEqual('promise rendered as text', (await page.getByTestId(`promise-${id}-p1`).textContent())?.includes(XSS_PAYLOADS[1]), true);
    expectEqual('no element came from the payload', await card.locator('img, script, svg, iframe').count(), 0);
    expectEqual('nothing executed', await page.evaluate(() => (globalThis as unknown as Win).__xss ?? null), null);
    expectEqual('the dashboard itself passes its CSP', await violations(page), []);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'router-security-xss.png'), fullPage: true });

    // --- the CSP is the second line: markup that did get into the DOM still cannot run inline script.
    await page.evaluate(() => {
      const { document } = globalThis as unknown as Win;
      const div = document.createElement('div');
      div.innerHTML = '<img src="data:," onload="window.__bypass=1" onerror="window.__bypass=2">';
      document.body.appendChild(div);
    });
    const blocked = await waitForValue(() => violations(page), (v) => v.some((x) => x.directive.startsWith('script-src')));
    expectEqual('inline handler blocked by script-src', blocked.length > 0, true);
    expectEqual('the injected handler did not run', await page.evaluate(() => (globalThis as unknown as Win).__bypass ?? null), null);
    expectEqual('no dialog opened', dialogs, []);

    // --- the API explorer, served locally, under the same CSP.
    const docs = await context.newPage();
    await docs.goto(`${fx.url}/api/docs`);
    await docs.waitForSelector('.swagger-ui .opblock', { timeout: 20_000 });
    const operations = Object.values((await (await fetch(`${fx.url}/api/openapi.json`)).json() as { paths: Record<string, object> }).paths)
      .reduce((n, ops) => n + Object.keys(ops).length, 0);
    expectEqual('every operation listed', await waitForValue(() => docs.locator('.swagger-ui .opblock').count(), (n) => n === operations), operations);
    expectEqual('explorer title', (await docs.locator('.swagger-ui .info .title').textContent())?.startsWith('CX escalation router API'), true);
    expectEqual('the explorer passes the CSP', await violations(docs), []);
    await docs.screenshot({ path: join(ARTIFACTS, 'router-api-docs.png') });
    expectEqual('every request stayed on this machine', urls.filter((u) => !/^(http:\/\/127\.0\.0\.1:\d+\/|data:|about:|chrome)/.test(u)), []);
    return { urls };
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

function expectEqual<T>(what: string, actual: T, expected: T): void {
  expect({ what, value: actual }).toEqual({ what, value: expected });
}

async function waitForValue<T>(read: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (ok(v) || Date.now() > deadline) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
}
