/**
 * Compact serialisation of a state for Redis (a million open clocks are ~1M strings there): every
 * instant except `t0` relative to `t0`, each clock as a tuple `[s, r, d, th, {rest}]` instead of
 * an object (trailing empty positions left out, null for an empty one in between), and the
 * default status `o` left out. `decodeState(encodeState(s))` deep-equals `s`; states written in
 * the older object form decode as well.
 */
import { ClockState, SlaState, StatusCode } from './sla-state';

export const CONV_TIMES = ['lt', 'la', 'sc'] as const;
export const CLOCK_TIMES = ['s', 'r', 'ps', 'd', 'pd'] as const;

type EncodedClock = Array<number | null | Partial<ClockState>>;

/** Serialises a state compactly (see above). The state is not modified. */
export function encodeState(state: SlaState): string {
  const by = -state.t0;
  const out: Record<string, unknown> = {};
  for (const name in state) {
    const value = (state as unknown as Record<string, unknown>)[name];
    if (value === undefined) continue;
    switch (name) {
      case 'st':
        if (value !== 'o') out.st = value;
        break;
      case 'lt':
      case 'la':
      case 'sc':
        out[name] = (value as number) + by;
        break;
      case 'k': {
        const k: Record<string, EncodedClock> = {};
        for (const key in state.k) k[key] = encodeClock(state.k[key], by);
        out.k = k;
        break;
      }
      case 'kp': {
        const kp: Record<string, number> = {};
        for (const id in state.kp) kp[id] = state.kp[id] + by;
        out.kp = kp;
        break;
      }
      default:
        out[name] = value;
    }
  }
  return JSON.stringify(out);
}

function encodeClock(c: ClockState, by: number): EncodedClock {
  let rest: Record<string, unknown> | undefined;
  for (const name in c) {
    const value = (c as unknown as Record<string, unknown>)[name];
    if (value === undefined) continue;
    switch (name) {
      case 's':
      case 'r':
      case 'd':
      case 'th':
        continue;
      case 'ps':
      case 'pd':
        (rest ??= {})[name] = (value as number) + by;
        break;
      case 'pp':
        (rest ??= {}).pp = c.pp!.map(([a, b]) => [a + by, b + by]);
        break;
      case 'kc':
        (rest ??= {}).kc = c.kc!.map(([a, id]) => [a + by, id]);
        break;
      default:
        (rest ??= {})[name] = value;
    }
  }
  const t: EncodedClock = [c.s + by, c.r === undefined ? null : c.r + by, c.d === undefined ? null : c.d + by, c.th ?? null];
  if (rest) t.push(rest as Partial<ClockState>);
  else while (t.length > 1 && t[t.length - 1] === null) t.pop();
  return t;
}

export function decodeState(text: string): SlaState {
  const s = JSON.parse(text) as SlaState & { k: Record<string, ClockState | EncodedClock> };
  if (s.v !== 1) throw new Error(`unsupported SLA state version ${String(s.v)}`);
  s.st ??= 'o' as StatusCode;
  for (const key in s.k) {
    const raw = s.k[key];
    const c = Array.isArray(raw) ? fromTuple(raw) : raw;
    // Written before fired sets: `f` was the highest fraction fired, every lower one had fired too.
    if (typeof (c.f as unknown) === 'number') {
      c.fl = c.f as unknown as number;
      delete c.f;
    }
    s.k[key] = c;
  }
  return shiftTimes(s as SlaState, s.t0);
}

function fromTuple(t: EncodedClock): ClockState {
  const [s, r, d, th, rest] = t as [number, number | null | undefined, number | null | undefined, number | null | undefined, Partial<ClockState> | undefined];
  const c: ClockState = { s, ...(rest ?? {}) };
  if (r !== null && r !== undefined) c.r = r;
  if (d !== null && d !== undefined) c.d = d;
  if (th !== null && th !== undefined) c.th = th;
  return c;
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
