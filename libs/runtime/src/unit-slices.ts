/*
 * A backlog arrives as fetches of thousands of messages; run as one unit, such a fetch held the
 * event loop (and Redis, with one commit script of thousands of parts) for seconds, so /health,
 * /metrics and heartbeats went unanswered just when a service fell behind. The transport runs it
 * as consecutive slices instead, yielding to the loop between them.
 */
import type { TopicUnit } from './unit-runner';

/** Lets pending I/O (HTTP requests for /health and /metrics, Redis replies, heartbeats) run. */
const yieldToLoop = () => new Promise<void>((r) => setImmediate(r));

/** Runs the unit's slices one after the other, the event loop free between two. */
export async function runInSlices(units: TopicUnit[], max: number, run: (slice: TopicUnit[]) => Promise<void>): Promise<void> {
  const slices = sliceUnits(units, max);
  for (let i = 0; i < slices.length; i++) {
    if (i > 0) await yieldToLoop();
    await run(slices[i]);
  }
}

/**
 * Cuts a unit into consecutive slices of at most `max` decoded messages per topic, each topic's
 * items staying in order (slice k holds every topic's k-th chunk). Run one after the other, each
 * slice commits before the next plans, so an entity whose events span two slices reads the state
 * the first wrote; a retry replays the slices already applied, and their marks drop them. Dead
 * letters and ignored messages travel with the first slice.
 */
export function sliceUnits(units: TopicUnit[], max: number): TopicUnit[][] {
  const count = Math.max(1, ...units.map((u) => Math.ceil(u.items.length / max)));
  if (count === 1) return [units];
  return Array.from({ length: count }, (_, k) => units
    .map((u) => ({ ...u, items: u.items.slice(k * max, (k + 1) * max), invalid: k === 0 ? u.invalid : [], ignored: k === 0 ? u.ignored : 0 }))
    .filter((u) => u.items.length > 0 || u.invalid.length > 0 || (u.ignored ?? 0) > 0));
}
