/** Compact serialisation of a state for Redis: times relative to the conversation start. */
import { ClockState, SlaState } from './sla-state';

// ---------------------------------------------------------------------------------------------
// Compact serialisation (for Redis)

export const CONV_TIMES = ['lt', 'la', 'sc'] as const;
export const CLOCK_TIMES = ['s', 'r', 'ps', 'd', 'pd'] as const;

/**
 * Serialises a state compactly: JSON with every instant except `t0` stored relative to `t0`
 * (a few digits instead of 13). `decodeState(encodeState(s))` deep-equals `s`.
 */
export function encodeState(state: SlaState): string {
  return JSON.stringify(shifted(state, -state.t0));
}

/**
 * A copy of `s` with every instant except t0 moved by `by`, for encodeState: only the objects that
 * hold instants are copied (spread keeps the key order, so the text is what shiftTimes on a deep
 * copy would give); everything else is shared with `s`, which is not modified.
 */
export function shifted(s: SlaState, by: number): SlaState {
  const out: SlaState = { ...s, k: {} };
  for (const f of CONV_TIMES) if (s[f] !== undefined) out[f] = s[f]! + by;
  for (const [key, c] of Object.entries(s.k)) {
    const cc: ClockState = { ...c };
    for (const f of CLOCK_TIMES) if (c[f] !== undefined) cc[f] = c[f]! + by;
    if (c.pp) cc.pp = c.pp.map(([a, b]) => [a + by, b + by]);
    if (c.kc) cc.kc = c.kc.map(([a, id]) => [a + by, id]);
    out.k[key] = cc;
  }
  if (s.kp) {
    const kp: Record<string, number> = {};
    for (const [id, t] of Object.entries(s.kp)) kp[id] = t + by;
    out.kp = kp;
  }
  return out;
}
export function decodeState(text: string): SlaState {
  const s = JSON.parse(text) as SlaState;
  if (s.v !== 1) throw new Error(`unsupported SLA state version ${String(s.v)}`);
  for (const c of Object.values(s.k)) {
    // Written before fired sets: `f` was the highest fraction fired, every lower one had fired too.
    if (typeof (c.f as unknown) === 'number') {
      c.fl = c.f as unknown as number;
      delete c.f;
    }
  }
  return shiftTimes(s, s.t0);
}

/** Adds `by` to every instant except t0, in place. */
export function shiftTimes(s: SlaState, by: number): SlaState {
  for (const f of CONV_TIMES) if (s[f] !== undefined) s[f] = s[f]! + by;
  for (const c of Object.values(s.k)) {
    for (const f of CLOCK_TIMES) if (c[f] !== undefined) c[f] = c[f]! + by;
    if (c.pp) c.pp = c.pp.map(([a, b]) => [a + by, b + by]);
    if (c.kc) c.kc = c.kc.map(([a, id]) => [a + by, id]);
  }
  if (s.kp) for (const id of Object.keys(s.kp)) s.kp[id] += by;
  return s;
}

