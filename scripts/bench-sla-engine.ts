// Benchmarks the pure SLA engine (no Redis, no Kafka) and prints one JSON object:
//   node -r @swc-node/register scripts/bench-sla-engine.ts [--conversations N]
// - applyEventsPerSec: input events applied (state JSON parse + apply + stringify, as a service would)
// - timersPerSec: due timers evaluated by `fire` (same round trip), 24/7 policy and business-hours policy
// - state bytes: encodeState() size per conversation and per open clock, for typical conversation shapes
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { applyEvent, decodeState, encodeState, fire, loadPolicyFile, timersOf, type SlaState, type TimerSpec } from '@cx/sla';
import { EventFactory } from '../libs/sla/src/testing/events';

const { values } = parseArgs({ options: { conversations: { type: 'string', default: '50000' } } });
const N = Number(values.conversations);
const policies = loadPolicyFile(join(__dirname, '..', 'deploy', 'sla', 'policies.example.yaml'));

function roundTrip(state: SlaState | undefined): SlaState | undefined {
  return state === undefined ? undefined : decodeState(encodeState(state));
}

function scenario(channel: 'chat' | 'email', label: string) {
  const states = new Map<string, string>();
  const timers: TimerSpec[] = [];
  const events = [];
  for (let i = 0; i < N; i++) {
    const f = new EventFactory(`${label}-${i.toString(36).padStart(8, '0')}-4c1e-9a51-0d3f5b6e7a88`, channel);
    const t = Date.parse('2026-03-27T14:00:00Z') + i * 37;
    events.push(f.opened(new Date(t).toISOString(), { tier: 'vip' }), f.customer(new Date(t + 5_000).toISOString()));
  }
  let t0 = performance.now();
  for (const e of events) {
    const id = e.data.conversationId;
    const prev = states.get(id);
    const r = applyEvent(prev === undefined ? undefined : decodeState(prev), e, policies);
    states.set(id, encodeState(r.state));
  }
  const applySecs = (performance.now() - t0) / 1000;
  for (const [id, s] of states) timers.push(...timersOf(id, decodeState(s), policies));
  timers.sort((a, b) => a.dueAt - b.dueAt);
  // Fire every timer once, and each follow-up timer it schedules (warning → breach).
  let fired = 0;
  let evaluated = 0;
  t0 = performance.now();
  for (let i = 0; i < timers.length; i++) {
    const timer = timers[i];
    const r = fire(decodeState(states.get(timer.conversationId)!), timer, policies);
    evaluated++;
    if (r.stale) continue;
    fired += r.firings.length;
    states.set(timer.conversationId, encodeState(r.state));
    if (i < 2 * N) for (const t of r.schedule) timers.push(t); // bounded: warning then breach
  }
  const fireSecs = (performance.now() - t0) / 1000;
  return {
    policy: label,
    conversations: N,
    applyEventsPerSec: Math.round(events.length / applySecs),
    timersEvaluated: evaluated,
    firings: fired,
    timersPerSec: Math.round(evaluated / fireSecs),
  };
}

/** Serialised size of typical conversation states. */
function sizes() {
  const D = '2026-06-01T';
  const shapes: Record<string, (f: EventFactory) => ReturnType<EventFactory['make']>[]> = {
    'chat awaiting first response (firstResponse + resolution)': (f) => [f.opened(`${D}10:00:00.123Z`, { tier: 'vip' }), f.customer(`${D}10:00:05.456Z`)],
    'chat answered (resolution)': (f) => [f.opened(`${D}10:00:00.123Z`, { tier: 'vip' }), f.customer(`${D}10:00:05.456Z`), f.agent(`${D}10:00:40.789Z`)],
    'chat next turn + promise (nextResponse + resolution + promise)': (f) => [
      f.opened(`${D}10:00:00.123Z`, { tier: 'vip' }),
      f.customer(`${D}10:00:05.456Z`),
      f.agent(`${D}10:00:40.789Z`),
      f.customer(`${D}10:02:00.000Z`),
      f.promiseMade(`${D}10:02:30.000Z`, 'callback-7f3a9c2e', `${D}15:00:00Z`),
    ],
    'chat paused twice (resolution with 2 paused periods)': (f) => [
      f.opened(`${D}10:00:00.123Z`, { tier: 'vip' }),
      f.customer(`${D}10:00:05.456Z`),
      f.agent(`${D}10:00:40.789Z`),
      f.status(`${D}10:10:00Z`, 'pending_customer'),
      f.status(`${D}10:20:00Z`, 'open'),
      f.status(`${D}10:30:00Z`, 'on_hold'),
      f.status(`${D}10:40:00Z`, 'open'),
    ],
    'call in queue (queueWait + resolution)': (f) => [f.queued(`${D}10:00:00.123Z`)],
  };
  const out: Record<string, { bytes: number; plainJsonBytes: number; openClocks: number; bytesPerOpenClock: number }> = {};
  for (const [name, build] of Object.entries(shapes)) {
    const f = new EventFactory('0f8fad5b-d9cb-469f-a165-70867728950e', name.startsWith('call') ? 'call' : 'chat');
    let s: SlaState | undefined;
    for (const e of build(f)) s = roundTrip(applyEvent(s, e, policies).state);
    const bytes = Buffer.byteLength(encodeState(s!));
    const clocks = Object.keys(s!.k).length;
    out[name] = { bytes, plainJsonBytes: Buffer.byteLength(JSON.stringify(s)), openClocks: clocks, bytesPerOpenClock: Math.round(bytes / clocks) };
  }
  return out;
}

const result = {
  node: process.version,
  note: 'pure engine only: each step decodes the state (decodeState), applies/fires, and encodes it again (encodeState); no Redis or Kafka',
  chat24x7: scenario('chat', 'vip-chat'),
  emailBusinessHours: scenario('email', 'email-business'),
  stateSizes: sizes(),
};
process.stdout.write(JSON.stringify(result, null, 2) + '\n');
