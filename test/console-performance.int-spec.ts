import { readdirSync, readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { Topics } from '@cx/contracts';
import { uniq } from './support/ids';
import { agentBody, KEYS, RouterFixture } from './support/router-fixture';
import { requestWithMessages } from './support/console-fixture';
import { launchConsole, signIn, type ConsoleBrowser } from './support/console-browser';
import { waitFor } from './support/wait-for';

// Browser globals of the functions that run inside the page (serialized by Playwright; this file compiles without the DOM lib).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
declare const window: any, localStorage: any;

const OPEN = 500;
const RATE = 50; // changes per second
const SECONDS = 20;
const INTENTS = ['unclear_bill', 'refund', 'provisioning', 'hotline_wait'] as const;
const MB = 1024 * 1024;

interface Sample { dom: number; painted: number }
const pct = (xs: number[], p: number) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(p * s.length))]; };

/** Memory of this test's Chromium renderer processes (their command line names its profile), from /proc: RSS and PSS in bytes. */
function rendererMemory(profile: string): { pid: number; ui: boolean; rss: number; pss: number }[] {
  const out: { pid: number; ui: boolean; rss: number; pss: number }[] = [];
  for (const d of readdirSync('/proc').filter((x) => /^\d+$/.test(x))) {
    // Chromium rewrites its children's command lines into one string: look for the words in it.
    let cmd: string;
    try { cmd = readFileSync(`/proc/${d}/cmdline`, 'utf8').replace(/\0/g, ' ') + ' '; } catch { continue; }
    if (!cmd.includes('--type=renderer ') || !cmd.includes(`--user-data-dir=${profile} `)) continue;
    const rollup = readFileSync(`/proc/${d}/smaps_rollup`, 'utf8');
    const kb = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(rollup)?.[1] ?? 0) * 1024;
    out.push({ pid: Number(d), ui: cmd.includes('--top-chrome-webui '), rss: kb('Rss'), pss: kb('Pss') });
  }
  if (out.length === 0) throw new Error(`no Chromium renderer process for ${profile}`);
  return out;
}

/**
 * The console under load, in Chromium against the real stack: 500 open escalations on the board,
 * then 50 changes a second (merges from the detectors on Kafka, which move cards between severity
 * groups) for 20 s. The page's own probe times each change from its SSE event to the card in the
 * DOM and painted; memory comes from the DevTools protocol (JS heap, DOM nodes) and from /proc
 * (the renderer process). Targets: every update rendered within 200 ms, the tab under 200 MB.
 */
describe('console performance: 500 open escalations, 50 changes per second', () => {
  const fx = new RouterFixture({ teams: { default: 'support' } });
  let browser: ConsoleBrowser;

  beforeAll(async () => {
    await fx.start(1);
    for (let i = 0; i < 10; i++) expect((await fx.putAgent(`p${i}`, agentBody(`Agent ${i}`, 'agent', { maxConcurrent: 60 }))).status).toBe(200);
    browser = await launchConsole(fx.url, { viewport: { width: 1366, height: 900 } });
    await browser.context.addInitScript(() => localStorage.setItem('cx.console.perf', '1'));
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await fx.stop();
  }, 60_000);

  it('renders every update within 200 ms of its SSE event and stays under 200 MB', async () => {
    const convs = Array.from({ length: OPEN }, (_, i) => uniq(`conv-perf-${i}`));
    const words = (i: number) => [
      { messageId: `m${i}-1`, text: `Order ${i}: I was told it would arrive on Monday, it is Thursday now.`, negative: false },
      { messageId: `m${i}-2`, text: 'Nobody answers my e-mails. This is really frustrating.' },
      { messageId: `m${i}-3`, text: 'I want a refund or I will cancel my contract, call me at +44 20 7946 0958.' },
    ];
    for (let i = 0; i < OPEN; i += 50) {
      await fx.kafka.produce(Topics.escalations, convs.slice(i, i + 50).map((c, j) => requestWithMessages(c, [{
        code: 'negative_emotion', detail: 'negative emotion in a customer message', evidence: [{ cue: 'frustrating', kind: 'lexicon', text: 'frustrating' }],
      }], words(i + j), { customerId: `cust-${i + j}` })));
    }
    await waitFor('500 open escalations', async () => (await fx.api('/api/escalations', KEYS.supervisor)).body.length === OPEN, 60_000, 250);

    const page = await browser.context.newPage();
    const loadStart = Date.now();
    await signIn(page, fx.url, KEYS.supervisor);
    await page.waitForFunction((n: number) => window.document.querySelectorAll('li.card').length === n, OPEN, { timeout: 30_000 });
    const initialMs = Date.now() - loadStart;
    const cdp = await browser.context.newCDPSession(page);
    await cdp.send('Performance.enable');
    const metrics = async () => Object.fromEntries(((await cdp.send('Performance.getMetrics')).metrics).map((m) => [m.name, m.value]));

    // 50 changes a second: every 100 ms, 5 escalations gain a complaint intent (a merge that the
    // router announces as "updated", moving the card to the medium group on the first round).
    const memory: { heap: number; nodes: number; pss: number }[] = [];
    const started = Date.now();
    let sent = 0;
    const total = RATE * SECONDS;
    while (sent < total) {
      const batch = [];
      for (let k = 0; k < RATE / 10 && sent < total; k++, sent++) {
        const i = sent % OPEN;
        const intent = INTENTS[Math.floor(sent / OPEN)];
        batch.push({ ...requestWithMessages(convs[i], [{ code: 'complaint_intent', detail: `complaint: ${intent}`, causeId: randomUUID() }],
          [{ messageId: `m${i}-x${sent}`, text: `About the ${intent.replace('_', ' ')} again: still nothing.` }], { customerId: `cust-${i}`, intents: [intent] }) });
      }
      await fx.kafka.produce(Topics.escalations, batch);
      if (sent % (RATE * 5) === 0) {
        const m = await metrics();
        memory.push({ heap: m.JSHeapUsedSize, nodes: m.Nodes, pss: Math.max(...rendererMemory(browser.profile).map((r) => r.pss)) });
      }
      const due = started + (sent / RATE) * 1000;
      await new Promise((r) => setTimeout(r, Math.max(0, due - Date.now())));
    }
    const sendSeconds = (Date.now() - started) / 1000;
    // All changes arrived and were drawn: every change event was applied once it stops growing.
    let last = -1;
    const perf = await waitFor('the page caught up', async () => {
      const p = await page.evaluate(() => ({ events: window.__cxPerf.events, flushes: window.__cxPerf.flushes, samples: window.__cxPerf.samples as Sample[] }));
      const settled = p.samples.length === last && p.events >= total * 0.99;
      last = p.samples.length;
      return settled ? p : undefined;
    }, 30_000, 1000);

    const final = await metrics();
    const renderers = rendererMemory(browser.profile);
    const painted = perf.samples.map((s) => s.painted);
    const dom = perf.samples.map((s) => s.dom);
    const report = {
      open: OPEN, changesSent: total, sendSeconds, sseEventsApplied: perf.events, updatesMeasured: perf.samples.length, flushes: perf.flushes,
      initialRenderMs: initialMs,
      paintedMs: { p50: pct(painted, 0.5), p95: pct(painted, 0.95), p99: pct(painted, 0.99), max: Math.max(...painted) },
      domMs: { p50: pct(dom, 0.5), p99: pct(dom, 0.99), max: Math.max(...dom) },
      jsHeapUsedMB: +(final.JSHeapUsedSize / MB).toFixed(1), jsHeapTotalMB: +(final.JSHeapTotalSize / MB).toFixed(1), domNodes: final.Nodes,
      renderersMB: renderers.map((r) => ({ ui: r.ui, pss: +(r.pss / MB).toFixed(1), rss: +(r.rss / MB).toFixed(1) })),
      maxDuringRun: { heapMB: +(Math.max(...memory.map((m) => m.heap)) / MB).toFixed(1), pssMB: +(Math.max(...memory.map((m) => m.pss)) / MB).toFixed(1) },
    };
    process.stderr.write(`\nconsole performance: ${JSON.stringify(report)}\n`);

    expect(await page.locator('li.card').count()).toBe(OPEN);
    expect(await page.locator('li.card[data-severity="medium"]').count()).toBe(OPEN); // every card got its change
    expect(perf.events).toBeGreaterThanOrEqual(total);
    expect(report.paintedMs.max).toBeLessThan(200);
    expect(final.JSHeapTotalSize).toBeLessThan(200 * MB);
    for (const r of renderers) expect(r.pss).toBeLessThan(200 * MB);
    for (const m of memory) expect(m.pss).toBeLessThan(200 * MB);
  }, 240_000);
});
