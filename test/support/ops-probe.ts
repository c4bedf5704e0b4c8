/*
 * Times /health and /metrics of some instances every `everyMs` while a run lasts, from a process
 * of its own. Probed from the jest process, the answers were timed by an event loop that also
 * produces the load, collects six output topics and runs the effect checks: its own stalls (up to
 * ~2 s while the checks scanned the collected records) were counted as the services' latency. The
 * child only asks and times; every sample also carries the service's own event-loop delay (the
 * `nodejs_eventloop_lag_max_seconds` since the previous scrape) and how late the child's tick was,
 * so a slow answer can be told apart: the service's loop, the machine, or the prober.
 */
import { spawn, type ChildProcess } from 'node:child_process';

export interface ProbeSample {
  at: number;
  path: '/health' | '/metrics';
  url: string;
  /** Request to end of body; Infinity is reported for status 0 (no answer within the timeout). */
  ms: number;
  status: number;
  body?: { status?: string; checks?: Record<string, string> };
  /** How late the prober's own tick fired (its event loop or the machine). */
  lateMs: number;
  /** /metrics only: the longest event-loop delay the service saw since its previous scrape. */
  svcLoopMaxMs?: number;
}

const PROBER_SOURCE = `
const http = require('node:http');
const { urls, everyMs, timeoutMs } = JSON.parse(process.argv[1]);
// node:http with kept-alive connections: fetch (undici) cost the prober a third of a core at 60 requests/s.
const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
const inflight = new Set();
let timer;
let due = Date.now();
function get(url) {
  return new Promise((resolve) => {
    const req = http.get(url, { agent, timeout: timeoutMs }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, text: Buffer.concat(chunks).toString() }));
      res.on('error', () => resolve({ status: 0 }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve({ status: 0 }));
  });
}
async function ask(url, path, lateMs) {
  const at = Date.now();
  const t = process.hrtime.bigint();
  const r = await get(url + path);
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  let status = ms > timeoutMs ? 0 : r.status, body, svcLoopMaxMs;
  try {
    if (status && path === '/health') body = JSON.parse(r.text);
    else if (status) { const m = /^nodejs_eventloop_lag_max_seconds(?:{[^}]*})? (\\S+)$/m.exec(r.text); if (m) svcLoopMaxMs = Number(m[1]) * 1000; }
  } catch { status = 0; }
  process.send({ at, path, url, ms, status, body, lateMs, svcLoopMaxMs });
}
function tick() {
  const lateMs = Math.max(0, Date.now() - due);
  for (const url of urls) for (const path of ['/health', '/metrics']) {
    const p = ask(url, path, lateMs).finally(() => inflight.delete(p));
    inflight.add(p);
  }
  due = Date.now() + everyMs;
  timer = setTimeout(tick, everyMs);
}
process.on('message', async (m) => {
  if (m !== 'stop') return;
  clearTimeout(timer);
  await Promise.all([...inflight]);
  process.send('stopped', () => process.exit(0));
});
process.on('disconnect', () => process.exit(0));
tick();
`;

export class OpsProbe {
  readonly samples: ProbeSample[] = [];
  private child?: ChildProcess;
  private stopped?: Promise<ProbeSample[]>;

  constructor(private readonly urls: string[], private readonly everyMs = 100, private readonly timeoutMs = 2000) {}

  start(): this {
    const child = (this.child = spawn(process.execPath, ['-e', PROBER_SOURCE, JSON.stringify({ urls: this.urls, everyMs: this.everyMs, timeoutMs: this.timeoutMs })], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    }));
    child.on('message', (m: ProbeSample | 'stopped') => { if (m !== 'stopped') this.samples.push(m); });
    return this;
  }

  /** Lets the requests in flight finish, then ends the prober; resolves with every sample. */
  stop(): Promise<ProbeSample[]> {
    const child = this.child;
    if (!child) return Promise.resolve(this.samples);
    this.stopped ??= new Promise<ProbeSample[]>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve(this.samples);
      child.once('exit', () => resolve(this.samples));
      child.send('stop');
      // A prober that does not stop within its own timeout must not outlive the test.
      setTimeout(() => child.kill('SIGKILL'), this.timeoutMs + 3000).unref();
    });
    return this.stopped;
  }

  /**
   * Per path: how many answers, the 95th percentile, the slowest (Infinity: no answer in time) and
   * where it was; the services' longest event-loop delay and the prober's latest tick.
   */
  summary(from = 0, to = Number.POSITIVE_INFINITY): Record<'health' | 'metrics', { n: number; p95Ms: number; maxMs: number; slowest?: string }> & { svcLoopMaxMs: number; proberLateMaxMs: number } {
    const within = this.samples.filter((x) => x.at >= from && x.at <= to);
    const of = (path: string) => {
      const s = within.filter((x) => x.path === path)
        .map((x) => ({ ...x, ms: x.status ? x.ms : Number.POSITIVE_INFINITY })).sort((a, b) => a.ms - b.ms);
      const worst = s.at(-1);
      return {
        n: s.length, p95Ms: Math.round(s[Math.floor(s.length * 0.95)]?.ms ?? 0), maxMs: Math.round(worst?.ms ?? 0),
        slowest: worst && `${worst.url} at +${worst.at - (this.samples[0]?.at ?? worst.at)} ms, status ${worst.status}`,
      };
    };
    return {
      health: of('/health'), metrics: of('/metrics'),
      svcLoopMaxMs: Math.round(Math.max(0, ...within.map((x) => x.svcLoopMaxMs ?? 0))),
      proberLateMaxMs: Math.round(Math.max(0, ...within.map((x) => x.lateMs))),
    };
  }
}
