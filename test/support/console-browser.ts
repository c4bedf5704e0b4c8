import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

// Browser globals of the functions that run inside the page (serialized by Playwright; this file compiles without the DOM lib).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
declare const window: any, document: any, AudioContext: any;
type Document = unknown;

/**
 * The console in Debian's Chromium, headless, with a fresh profile per context, served with the
 * strict Content-Security-Policy the security work puts on the router (added here to the page's
 * response, so the console is proven to run under it whatever the router sends).
 */
export const CHROMIUM = '/usr/bin/chromium';
export const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; font-src 'self'; "
  + "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync'];

export interface ConsoleBrowser { context: BrowserContext; profile: string; close(): Promise<void> }

export async function launchConsole(origin: string, opts: { locale?: string; timezoneId?: string; viewport?: { width: number; height: number };
  hasTouch?: boolean; isMobile?: boolean } = {}): Promise<ConsoleBrowser> {
  // Not a skip: without the browser these tests cannot say anything, so they fail and say why.
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium is missing at ${CHROMIUM}: install Debian's package (apt-get install -y chromium)`);
  const profile = mkdtempSync(join(tmpdir(), 'cx-console-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM, headless: true, args: ARGS, viewport: opts.viewport ?? { width: 1366, height: 900 },
    locale: opts.locale ?? 'en-US', timezoneId: opts.timezoneId ?? 'UTC', hasTouch: opts.hasTouch, isMobile: opts.isMobile,
  });
  await context.grantPermissions(['notifications'], { origin });
  await context.route(`${origin}/`, async (route) => {
    const response = await route.fetch();
    await route.fulfill({ response, headers: { ...response.headers(), 'content-security-policy': CSP } });
  });
  // Instruments the page (not the product): CSP violations, desktop notifications and sounds made.
  await context.addInitScript(() => {
    const w = window as unknown as Record<string, unknown[]>;
    w.__csp = []; w.__notifications = []; w.__beeps = [];
    document.addEventListener('securitypolicyviolation', (e: { violatedDirective: string; blockedURI: string }) => w.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
    class SpyNotification {
      static permission = 'granted';
      static requestPermission() { return Promise.resolve('granted'); }
      onclick: (() => void) | null = null;
      constructor(title: string, options: { body?: string; tag?: string }) { w.__notifications.push({ title, ...options }); }
      close() { /* nothing to close */ }
    }
    (window as unknown as { Notification: unknown }).Notification = SpyNotification;
    const Ctx = window.AudioContext;
    const create = Ctx.prototype.createOscillator;
    Ctx.prototype.createOscillator = function (this: unknown) {
      const osc = create.call(this);
      w.__beeps.push(Date.now());
      return osc;
    };
  });
  return { context, profile, close: async () => { await context.close(); rmSync(profile, { recursive: true, force: true }); } };
}

export async function signIn(page: Page, origin: string, key: string): Promise<void> {
  await page.goto(`${origin}/`);
  await page.getByTestId('api-key-input').fill(key);
  await page.getByTestId('api-key-save').click();
  await page.waitForSelector('[data-testid="stream-status"][data-state="connected"]', { timeout: 15_000 });
}

const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core's WCAG 2.1 A/AA checks on the page as it is; returns the serious and critical violations. */
export async function axeViolations(page: Page): Promise<{ id: string; impact: string; help: string; nodes: string[] }[]> {
  // Evaluated through the DevTools protocol, which the page's CSP does not govern (the product never needs it to).
  await page.evaluate(AXE);
  const result = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: Document, o: object): Promise<{ violations: { id: string; impact: string; help: string; nodes: { target: string[] }[] }[] }> } }).axe;
    return axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } });
  });
  return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ')) }));
}

export async function cspViolations(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { __csp: string[] }).__csp);
}
