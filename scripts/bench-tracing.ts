/**
 * What tracing costs the consumers' hot path, measured on the real hooks (libs/tracing), without
 * Kafka or Redis: the per-unit and per-message spans that KafkaBatchServer starts around every
 * unit, and a work span (SSE, webhook, timers).
 *
 *   node -r @swc-node/register scripts/bench-tracing.ts [--seconds 3] [--rate 2000] [--unit 50]
 *
 * off: tracing not started (no OTEL_EXPORTER_OTLP_ENDPOINT); a tight loop gives the nanoseconds a
 *      hook call costs per message, against the same loop without the call.
 * on:  the SDK started as a service starts it (BatchSpanProcessor, OTLP/HTTP exporter) sending to a
 *      receiver in a child process that reads and discards each export; messages paced at --rate
 *      per second in units of --unit; the process's own CPU per message (span creation, batching,
 *      protobuf encoding and HTTP export), which the receiver's CPU is not part of.
 * Prints one JSON line. The emotion-detector spends ~70 µs of CPU per message (README), the
 * figure the per-message costs compare with.
 */
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { loadEnv, BaseEnv } from '@cx/config';
import { startTracing, startUnitSpans, startWork, stopTracing, type TracedUnit } from '@cx/tracing';

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const SECONDS = arg('seconds', 3);
const RATE = arg('rate', 2000);
const UNIT = arg('unit', 50);
const info = { groupId: 'cx-emotion-detector', topicPrefix: '', attempt: 1 };

function makeUnit(n: number): TracedUnit {
  const items = Array.from({ length: n }, (_, i) => ({
    partition: i % 6, offset: String(1000 + i),
    event: {
      specversion: '1.0', id: randomBytes(8).toString('hex'), source: 'urn:bench', type: 'cx.message.v1', tenantid: 'default',
      subject: `conv-${i}`, time: new Date().toISOString(), traceparent: `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`,
      data: { conversationId: `conv-${i}`, channel: 'chat', messageId: `m${i}`, author: { role: 'customer' }, text: 'hello' },
    },
  }));
  return { topic: 'cx.interactions.chat', items, invalid: [] };
}

/** ns per message of `body` over a unit, in a tight loop (best of 5 rounds). */
function nsPerMessage(units: TracedUnit[], body: (u: TracedUnit[]) => void): number {
  let best = Infinity;
  for (let round = 0; round < 5; round++) {
    const loops = 200_000;
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < loops; i++) body(units);
    const ns = Number(process.hrtime.bigint() - t0) / loops / units[0].items.length;
    best = Math.min(best, ns);
  }
  return best;
}

let sink = 0;
function off(): Record<string, number> {
  const units = [makeUnit(UNIT)];
  const withHooks = nsPerMessage(units, (u) => {
    const s = startUnitSpans(u, info);
    const w = startWork('sse deliver', u[0].items[0].event as { traceparent: string }, 'producer');
    s?.end();
    w?.end();
    sink += u.length;
  });
  const without = nsPerMessage(units, (u) => { sink += u.length; });
  return { nsPerMessageWithHooks: round(withHooks, 2), nsPerMessageLoopAlone: round(without, 2), nsPerMessageHooks: round(Math.max(0, withHooks - without), 2) };
}

async function on(): Promise<Record<string, number>> {
  const receiver = fork(__filename, ['--receiver'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const port = await new Promise<number>((resolve) => receiver.once('message', (m) => resolve((m as { port: number }).port)));
  const unitsPerSecond = RATE / UNIT;
  const total = Math.round(unitsPerSecond * SECONDS);
  // The same paced loop making the same units, untraced: subtracted, so only tracing is counted.
  const base = await paced(total, unitsPerSecond, () => { makeUnit(UNIT); });
  startTracing(loadEnv(BaseEnv, { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}` }), { service: 'bench-tracing' });
  const runUnit = () => {
    const u = [makeUnit(UNIT)];
    startUnitSpans(u, info)!.end();
    startWork('sse deliver', u[0].items[0].event as { traceparent: string }, 'producer')!.end();
  };
  // Warm-up (JIT, the exporter's first connection), then the measured, paced run.
  for (let i = 0; i < 20; i++) runUnit();
  const cpu0 = process.cpuUsage();
  const t0 = Date.now();
  await paced(total, unitsPerSecond, runUnit);
  await stopTracing(); // exports what is queued: part of the cost
  const cpu = process.cpuUsage(cpu0);
  const wallS = (Date.now() - t0) / 1000;
  const received = await new Promise<{ exports: number; bytes: number }>((resolve) => { receiver.once('message', (m) => resolve(m as never)); receiver.send('count'); });
  receiver.kill();
  const messages = total * UNIT;
  const usPerMessage = ((cpu.user + cpu.system) - base.cpuUs) / messages;
  return {
    rate: RATE, unitSize: UNIT, messages, spans: total * (UNIT + 2), wallSeconds: round(wallS, 2),
    usCpuPerMessage: round(usPerMessage, 2), coreShareAtRate: round((usPerMessage * RATE) / 1e6, 4),
    exports: received.exports, exportedBytes: received.bytes,
  };
}

/** Runs `fn` `total` times at `perSecond`; resolves with the CPU it took (µs). */
async function paced(total: number, perSecond: number, fn: () => void): Promise<{ cpuUs: number }> {
  const cpu0 = process.cpuUsage();
  const start = Date.now();
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / perSecond;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    fn();
  }
  const c = process.cpuUsage(cpu0);
  return { cpuUs: c.user + c.system };
}

const round = (x: number, d: number) => Math.round(x * 10 ** d) / 10 ** d;

function receiverMain(): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const http = require('node:http') as typeof import('node:http');
  let exports = 0;
  let bytes = 0;
  const server = http.createServer((req, res) => {
    req.on('data', (c: Buffer) => { bytes += c.length; });
    req.on('end', () => { exports++; res.writeHead(200, { 'Content-Type': 'application/x-protobuf' }).end(); });
  });
  server.listen(0, '127.0.0.1', () => process.send!({ port: (server.address() as { port: number }).port }));
  process.on('message', () => process.send!({ exports, bytes }));
}

async function main(): Promise<void> {
  const offFigures = off();
  const onFigures = await on();
  console.log(JSON.stringify({ off: offFigures, on: onFigures, sink: sink > 0 }));
}

if (process.argv.includes('--receiver')) receiverMain();
else main().catch((e) => { console.error(e); process.exit(1); });
