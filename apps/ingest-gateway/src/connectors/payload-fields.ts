// Defensive readers for platform payloads: platforms spell the same field differently between
// products and versions (CallSid / callSid, AgentInfo / agentInfo), send ids as numbers or strings
// and times as epoch seconds, milliseconds, RFC 3339 or RFC 2822. Readers never throw.
import type { Channel } from '@cx/contracts';

export type Json = Record<string, unknown>;

export const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The value of the first name present in `o`, matching names case-insensitively. */
export function field(o: unknown, ...names: string[]): unknown {
  if (!isObject(o)) return undefined;
  for (const n of names) {
    const v = o[n];
    if (v !== undefined && v !== null) return v;
  }
  const lower = names.map((n) => n.toLowerCase());
  for (const [k, v] of Object.entries(o)) {
    if (v !== undefined && v !== null && lower.includes(k.toLowerCase())) return v;
  }
  return undefined;
}

/** Follows a path of names (each step case-insensitive). */
export function path(o: unknown, ...steps: string[]): unknown {
  let cur: unknown = o;
  for (const s of steps) {
    cur = field(cur, s);
    if (cur === undefined) return undefined;
  }
  return cur;
}

/** A non-empty string, or a number/bigint as its decimal text (ids arrive both ways). */
export function text(v: unknown): string | undefined {
  if (typeof v === 'string') return v.trim() === '' ? undefined : v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v === 'bigint') return v.toString();
  return undefined;
}

export const str = (o: unknown, ...names: string[]): string | undefined => text(field(o, ...names));
export const obj = (o: unknown, ...names: string[]): Json | undefined => {
  const v = field(o, ...names);
  return isObject(v) ? v : undefined;
};

export function num(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}

export function bool(v: unknown): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (v === 'true' || v === 'True' || v === '1') return true;
  if (v === 'false' || v === 'False' || v === '0') return false;
  return undefined;
}

/**
 * An instant from epoch seconds or milliseconds (number or numeric string), RFC 3339 (any
 * fraction, also "2020-03-03 13:05:57 UTC") or RFC 2822, as RFC 3339 UTC; undefined otherwise.
 */
export function instant(v: unknown): string | undefined {
  let ms: number | undefined;
  const n = num(v);
  if (n !== undefined && (typeof v === 'number' || /^\d+(\.\d+)?$/.test(String(v).trim()))) {
    ms = n > 1e12 ? n : n * 1000;
  } else if (typeof v === 'string') {
    // Nanosecond fractions (Zendesk) are cut to milliseconds before parsing.
    const s = v.trim().replace(/(\.\d{3})\d+/, '$1');
    ms = Date.parse(s);
    if (Number.isNaN(ms)) ms = Date.parse(s.replace(' UTC', 'Z').replace(' ', 'T'));
  }
  if (ms === undefined || !Number.isFinite(ms) || ms < 0 || ms > 8.64e15) return undefined;
  return new Date(ms).toISOString();
}

/** The first parsable instant among the candidates, else the receive time. */
export function firstInstant(receivedAt: Date, ...candidates: unknown[]): string {
  for (const c of candidates) {
    const t = instant(c);
    if (t) return t;
  }
  return receivedAt.toISOString();
}

/** Items of an array field, or []. */
export function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/** A string list from an array or a space/comma-separated string (Zendesk sends both). */
export function tagList(v: unknown): string[] | undefined {
  if (Array.isArray(v)) {
    return v.map((t) => (isObject(t) ? text(t.name ?? t.title) : text(t))).filter((t): t is string => t !== undefined).slice(0, 64);
  }
  if (typeof v === 'string') return v.split(/[\s,]+/).filter(Boolean).slice(0, 64);
  return undefined;
}

const PRIORITIES: Record<string, 'low' | 'normal' | 'high' | 'urgent'> = {
  low: 'low', normal: 'normal', medium: 'normal', high: 'high', urgent: 'urgent', critical: 'urgent',
};
/** Contract priority from a platform's (any case); Chatwoot's "medium" is our "normal". */
export function priorityOf(v: unknown): 'low' | 'normal' | 'high' | 'urgent' | undefined {
  const s = text(v);
  return s ? PRIORITIES[s.toLowerCase()] : undefined;
}

/** The last segment of an ARN or path (queue/agent ARNs → their ids). */
export function lastSegment(v: string): string {
  const parts = v.split(/[/:]/).filter(Boolean);
  return parts[parts.length - 1] ?? v;
}

export const CHANNELS: readonly Channel[] = ['chat', 'email', 'call'];
