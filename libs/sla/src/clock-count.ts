/*
 * Counted time of one clock when the calendar may have changed under it (a policy change to a
 * policy with another calendar): the time used is what was counted under the calendar in force
 * at each moment (docs/contract.md (SLA semantics)). `u` holds the count up to `r` (running) or `ps` (not running),
 * so a future threshold is one `addCounted` from `r`; a threshold that a new target puts in the
 * past is found by walking the running segments through the calendars recorded in `kc`.
 */
import { ALWAYS_OPEN, type SlaCalendar, type Span } from './calendar';
import type { PolicySet } from './policy';
import type { ClockState } from './sla-state';

/** Calendar of a recorded id ('' = 24/7); ids no longer defined count 24/7. */
export type CalendarResolver = (id: string) => SlaCalendar;

export function resolverOf(...sets: Array<PolicySet | undefined>): CalendarResolver {
  return (id) => {
    if (id === '') return ALWAYS_OPEN;
    for (const s of sets) {
      const c = s?.calendars.get(id);
      if (c) return c;
    }
    return ALWAYS_OPEN;
  };
}

/** Running segments [a, b) up to the counted point (`r` while running, `ps` otherwise). */
export function pastSegments(c: ClockState): Span[] {
  const out: Span[] = [];
  let from = c.s;
  for (const [a, b] of c.pp ?? []) {
    out.push([from, a]);
    from = b;
  }
  out.push([from, c.r ?? c.ps ?? from]);
  return out;
}

/** [a, b) split by the calendars in force: recorded pieces first, then `current`. */
export function pieces(c: ClockState, a: number, b: number, current: SlaCalendar, resolve: CalendarResolver): Array<[number, number, SlaCalendar]> {
  const out: Array<[number, number, SlaCalendar]> = [];
  let lo = a;
  for (const [until, id] of c.kc ?? []) {
    if (lo >= b) return out;
    if (until <= lo) continue;
    const hi = Math.min(until, b);
    out.push([lo, hi, resolve(id)]);
    lo = hi;
  }
  if (lo < b) out.push([lo, b, current]);
  return out;
}

/** Counted ms of the whole past of a clock under one calendar (a metric newly targeted: as if that calendar had applied from the beginning). */
export function recount(c: ClockState, cal: SlaCalendar): number {
  let total = 0;
  for (const [a, b] of pastSegments(c)) total += cal.countBetween(a, b);
  return total;
}

/**
 * The instant at which the clock has counted `ms`: in the past (ms ≤ u) where the count crossed
 * it, else assuming it keeps running from `r`. `undefined` when it does not run and has not
 * reached it. With a truncated pause history (`pt`) the past is approximated by `r`/`ps`.
 */
export function instantOf(c: ClockState, ms: number, current: SlaCalendar, resolve: CalendarResolver): number | undefined {
  const u = c.u ?? 0;
  if (ms <= 0) return c.s;
  if (ms <= u) {
    if (!c.pt) {
      let rem = ms;
      for (const [a, b] of pastSegments(c)) {
        for (const [pa, pb, cal] of pieces(c, a, b, current, resolve)) {
          const got = cal.countBetween(pa, pb);
          if (got >= rem) return cal.addCounted(pa, rem);
          rem -= got;
        }
      }
    }
    return c.r ?? c.ps;
  }
  if (c.r === undefined) return undefined;
  return current.addCounted(c.r, ms - u);
}

/** Closed calendar periods in [from, to), through the calendars in force, merged, at most `max`. */
export function closedPeriodsOf(c: ClockState, from: number, to: number, current: SlaCalendar, resolve: CalendarResolver, max = 50): Span[] {
  const out: Span[] = [];
  for (const [a, b, cal] of pieces(c, from, to, current, resolve)) {
    for (const p of cal.closedPeriods(a, b, max)) {
      const last = out[out.length - 1];
      if (last && last[1] === p[0]) last[1] = p[1];
      else if (out.length < max) out.push([p[0], p[1]]);
    }
  }
  return out;
}
