import { maskPersonalData, type Escalation, type EscalationRequested, type ReasonCode } from '@cx/contracts';
import { durationMs, type RoutingConfig } from './config';
import { byTime, toIso, toMs } from './merge';

/**
 * A customer's history as the router keeps it (one Redis hash per customer), so that every
 * escalation carries the context across conversations and channels (principle 6):
 *   `i:<conversationId>` → interaction JSON, `f:<flag>` → when last seen (RFC 3339),
 *   `p:<conversationId>:<promiseId>` → open promise JSON.
 * Fields, not one JSON blob: concurrent batches about one customer (other partitions) then only
 * ever touch their own conversation's fields, so nothing is lost to a race.
 */
export type CustomerHistory = Record<string, string>;

export interface HistoryUpdate {
  set: Record<string, string>;
  del: string[];
}

type Context = Escalation['context'];
type Interaction = Context['recentInteractions'][number];
type Promise_ = Context['openPromises'][number];

/** Reason codes that make the customer's experience negative, and the flags they leave behind. */
const NEGATIVE: ReadonlySet<ReasonCode> = new Set(['negative_emotion', 'negative_streak', 'ended_negative', 'customer_at_risk', 'sla_breached']);
const FLAG_OF: Partial<Record<ReasonCode, string>> = {
  customer_at_risk: 'at_risk', ended_negative: 'ended_negative', negative_streak: 'negative_streak', sla_breached: 'sla_breached',
};

function parse<T>(json: string): T | undefined {
  try { return JSON.parse(json) as T; } catch { return undefined; }
}

/** Interactions kept per customer: a few more than an escalation shows, so trimming is rare. */
export function historyLimit(config: RoutingConfig): number {
  return Math.max(10, 2 * config.context.recentInteractions);
}

/** What a request adds to the customer's history (pure; `now` is the request's event time). */
export function recordRequest(history: CustomerHistory, request: EscalationRequested, config: RoutingConfig,
  now: Date | string | number): HistoryUpdate {
  const d = request.data;
  const at = toIso(now);
  const set: Record<string, string> = {};
  const del: string[] = [];

  const prev = history[`i:${d.conversationId}`] ? parse<Interaction>(history[`i:${d.conversationId}`]) : undefined;
  const newest = [...d.reasons].sort((a, b) => toMs(b.at) - toMs(a.at))[0];
  const codes = [...new Set(d.reasons.map((r) => r.code.replace(/_/g, ' ')))].join(', ');
  const summary = maskPersonalData(`${codes}: ${newest.detail}`).slice(0, 200);
  const later = !prev || toMs(at) >= toMs(prev.at);
  const interaction: Interaction = {
    conversationId: d.conversationId,
    ...(d.channel ?? prev?.channel ? { channel: d.channel ?? prev!.channel } : {}),
    at: later ? at : prev!.at,
    summary: later ? summary : prev!.summary,
    negative: (prev?.negative ?? false) || d.reasons.some((r) => NEGATIVE.has(r.code)),
  };
  set[`i:${d.conversationId}`] = JSON.stringify(interaction);

  const flags = new Set<string>([...(d.context?.flags ?? [])]);
  for (const r of d.reasons) if (FLAG_OF[r.code]) flags.add(FLAG_OF[r.code]!);
  for (const i of d.intents) flags.add(`complaint:${i}`);
  for (const f of flags) set[`f:${f}`] = at;

  // The SLA monitor owns promises: its list is the truth for its conversation (kept ones drop out).
  const promises = d.context?.openPromises;
  if (promises !== undefined) {
    const prefix = `p:${d.conversationId}:`;
    const keep = new Set(promises.map((p) => prefix + p.promiseId));
    for (const f of Object.keys(history)) if (f.startsWith(prefix) && !keep.has(f) && d.detector === 'sla-monitor') del.push(f);
    for (const p of promises) set[prefix + p.promiseId] = JSON.stringify(p);
  }

  // Bound the history: the newest interactions only, flags and promises older than the TTL go.
  const ttl = durationMs(config.context.historyTtl);
  const nowMs = toMs(now);
  const all = { ...history, ...set };
  const fields = Object.keys(all).filter((f) => f.startsWith('i:'));
  // Parsed and sorted only when there are too many: the router's hottest loop otherwise.
  if (fields.length > historyLimit(config)) {
    const interactions = fields
      .map((f) => { const i = parse<Interaction>(all[f]); return { f, at: i ? toMs(i.at) : 0 }; })
      .sort((a, b) => b.at - a.at);
    for (const x of interactions.slice(historyLimit(config))) del.push(x.f);
  }
  for (const [f, v] of Object.entries(history)) {
    if (f.startsWith('f:') && !set[f] && nowMs - toMs(v) > ttl) del.push(f);
    if (f.startsWith('p:') && !set[f]) {
      const p = parse<Promise_>(v);
      if (!p || nowMs - toMs(p.dueAt) > ttl) del.push(f);
    }
  }
  for (const f of del) delete set[f];
  return { set, del: [...new Set(del)] };
}

/** Applies an update to an in-memory copy (so several requests of one batch see each other). */
export function applyHistory(history: CustomerHistory, update: HistoryUpdate): CustomerHistory {
  const out = { ...history, ...update.set };
  for (const f of update.del) delete out[f];
  return out;
}

/** The customer context the history gives: newest interactions first, flags, promises by due time. */
export function contextFromHistory(history: CustomerHistory, config: RoutingConfig): Pick<Context, 'recentInteractions' | 'flags' | 'openPromises'> {
  const recentInteractions: Interaction[] = [];
  const flags: string[] = [];
  const openPromises: Promise_[] = [];
  for (const [f, v] of Object.entries(history)) {
    if (f.startsWith('i:')) { const i = parse<Interaction>(v); if (i) recentInteractions.push(i); }
    else if (f.startsWith('f:')) flags.push(f.slice(2));
    else if (f.startsWith('p:')) { const p = parse<Promise_>(v); if (p) openPromises.push(p); }
  }
  return {
    recentInteractions: byTime(recentInteractions, (i) => -toMs(i.at), (i) => i.conversationId).slice(0, config.context.recentInteractions),
    flags: flags.sort(),
    openPromises: byTime(openPromises, (p) => toMs(p.dueAt), (p) => p.promiseId),
  };
}

/**
 * The request with the customer's history added to its context, for `mergeRequest`. Promises the
 * request states itself win; the SLA monitor's list stays the truth for its own conversation.
 */
export function withHistory(request: EscalationRequested, history: CustomerHistory, config: RoutingConfig): EscalationRequested {
  const h = contextFromHistory(history, config);
  const rc = request.data.context ?? {};
  const stated = new Set((rc.openPromises ?? []).map((p) => p.promiseId));
  const own = `p:${request.data.conversationId}:`;
  const known = Object.entries(history)
    .filter(([f]) => f.startsWith('p:') && !(request.data.detector === 'sla-monitor' && rc.openPromises && f.startsWith(own)))
    .map(([, v]) => parse<Promise_>(v)).filter((p): p is Promise_ => !!p && !stated.has(p.promiseId));
  const openPromises = rc.openPromises || known.length ? [...(rc.openPromises ?? []), ...known] : undefined;
  return {
    ...request,
    data: {
      ...request.data,
      context: {
        ...rc,
        recentInteractions: [...(rc.recentInteractions ?? []), ...h.recentInteractions],
        flags: [...new Set([...(rc.flags ?? []), ...h.flags])],
        ...(openPromises ? { openPromises } : {}),
      },
    },
  };
}
