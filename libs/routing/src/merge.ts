import { maskPersonalData, textHash, type Channel, type ComplaintIntent, type Escalation, type EscalationRequested, type Reason, type Severity } from '@cx/contracts';
import { durationMs, type RoutingConfig } from './config';
import { computeSeverity, severityRank } from './severity';
import { ACTIONS, suggestActionIds } from './actions';
import { resolveTeam } from './teams';

export type MergeChange = 'raised' | 'updated' | 'unchanged';

export interface MergeResult {
  /** The escalation to store. With 'unchanged' it may still carry silently merged reasons. */
  escalation: Escalation;
  /**
   * - `raised`: a new escalation (new id); announce it, route it (pickTarget), start its ladder.
   * - `updated`: the open escalation gained a reason code, an intent or severity; announce it
   *   (and re-route when `severityRaised` and the assignee no longer fits, e.g. now critical).
   * - `unchanged`: nothing to announce (a replay, a repeat of a known reason code, or a flapping
   *   signal inside the cool-down after a resolve). Store `escalation` if it is not `existing`.
   */
  change: MergeChange;
  /** Reasons this request added (after causeId deduplication). */
  newReasons: Reason[];
  severityRaised: boolean;
}

type Time = Date | string | number;

export function toMs(t: Time): number {
  const ms = t instanceof Date ? t.getTime() : typeof t === 'number' ? t : Date.parse(t);
  if (Number.isNaN(ms)) throw new Error(`invalid time: ${String(t)}`);
  return ms;
}

export function toIso(t: Time): string {
  return new Date(toMs(t)).toISOString();
}

/** Sorted by a time (parsed once per item, not twice per comparison), then by an id. */
export function byTime<T>(xs: T[], time: (x: T) => number, id: (x: T) => string): T[] {
  return xs.map((x) => ({ x, t: time(x), id: id(x) }))
    .sort((a, b) => a.t - b.t || a.id.localeCompare(b.id))
    .map((e) => e.x);
}

/**
 * Deterministic escalation id: the same tenant, conversation and sequence always give the same id,
 * so a replay of the request stream reproduces the ids. URL-safe and free of the raw conversation
 * id; the sequence (1, 2, …: the n-th escalation of the conversation) is the suffix.
 */
export function escalationId(tenant: string, conversationId: string, seq: number): string {
  return `esc-${escalationHash(tenant, conversationId)}-${seq}`;
}

/** The conversation part of its escalation ids (the router also derives the Redis shard from it). */
export function escalationHash(tenant: string, conversationId: string): string {
  return textHash('sha256', `${tenant}\u0000${conversationId}`, 'hex').slice(0, 24);
}

/** The conversation hash inside an id made by `escalationId`, or undefined for an id of another shape. */
export function escalationHashOf(id: string): string | undefined {
  return /^esc-([0-9a-f]{24})-\d+$/.exec(id)?.[1];
}

/** The sequence number of an id made by `escalationId` (0 for an id of another shape). */
export function escalationSeq(id: string): number {
  const m = /-(\d+)$/.exec(id);
  return m ? Number(m[1]) : 0;
}

function uniq<T>(xs: Iterable<T>): T[] {
  return [...new Set(xs)];
}

function dedupeReasons(reasons: Reason[]): Reason[] {
  const seen = new Set<string>();
  const out: Reason[] = [];
  for (const r of reasons) {
    if (seen.has(r.causeId)) continue;
    seen.add(r.causeId);
    out.push(r);
  }
  return out;
}

/**
 * Keeps at most `max` reasons: drops the oldest reasons whose code occurs again later, so every
 * code stays represented by its latest reason, and the first reason (why it was raised) is kept.
 */
export function capReasons(reasons: Reason[], max: number): Reason[] {
  if (reasons.length <= max) return reasons;
  const out = [...reasons];
  let i = 1;
  while (out.length > max && i < out.length) {
    const code = out[i].code;
    if (out.slice(i + 1).some((r) => r.code === code)) out.splice(i, 1);
    else i++;
  }
  // Still too many distinct codes (only possible with a tiny max): keep the newest.
  return out.length > max ? [out[0], ...out.slice(out.length - max + 1)].slice(0, max) : out;
}

type Context = Escalation['context'];
type RequestData = EscalationRequested['data'];

function mergeContext(existing: Context | undefined, req: RequestData, config: RoutingConfig): Context {
  const rc = req.context ?? {};
  const interactions = new Map<string, Context['recentInteractions'][number]>();
  for (const i of [...(existing?.recentInteractions ?? []), ...(rc.recentInteractions ?? [])]) {
    interactions.set(`${i.conversationId}\u0000${i.at}`, i);
  }
  const recentInteractions = byTime([...interactions.values()], (i) => -toMs(i.at), (i) => i.conversationId)
    .slice(0, config.context.recentInteractions);

  // The SLA monitor owns promises: its list is the current truth (kept promises drop out).
  // Other detectors can only add to what is known.
  let openPromises: Context['openPromises'];
  if (req.detector === 'sla-monitor' && rc.openPromises !== undefined) {
    openPromises = [...rc.openPromises];
  } else {
    const byId = new Map<string, Context['openPromises'][number]>();
    for (const p of [...(existing?.openPromises ?? []), ...(rc.openPromises ?? [])]) byId.set(p.promiseId, p);
    openPromises = [...byId.values()];
  }
  openPromises = byTime(openPromises, (p) => toMs(p.dueAt), (p) => p.promiseId);

  const customerId = req.customer.id ?? rc.customerId ?? existing?.customerId;
  const tier = req.customer.tier ?? rc.tier ?? existing?.tier;
  // The detectors send the conversation's attributes as they know them now: the latest wins.
  const priority = rc.priority ?? existing?.priority;
  const queue = rc.queue ?? existing?.queue;
  const lastMessages = mergeMessages(existing?.lastMessages, rc.lastMessages, config.context.lastMessages);
  return {
    ...(customerId !== undefined ? { customerId } : {}),
    ...(tier !== undefined ? { tier } : {}),
    ...(priority !== undefined ? { priority } : {}),
    ...(queue !== undefined ? { queue } : {}),
    recentInteractions,
    flags: uniq([...(existing?.flags ?? []), ...(rc.flags ?? [])]),
    openPromises,
    ...(lastMessages ? { lastMessages } : {}),
  };
}

type Message = NonNullable<Context['lastMessages']>[number];

/**
 * The customer's last messages: both lists by message id (a later copy wins: it may carry the
 * flag), oldest first, the newest `max` kept, incoming text masked. Undefined when neither side has any, so
 * escalations of detectors that send no messages stay as they were.
 */
export function mergeMessages(existing: Message[] | undefined, incoming: Message[] | undefined, max: number): Message[] | undefined {
  if (!existing?.length && !incoming?.length) return existing ?? (incoming ? [] : undefined);
  const byId = new Map<string, Message>();
  for (const m of existing ?? []) byId.set(m.messageId, m);
  // The detector masks them; masking again here costs little and keeps a careless producer's
  // personal data out of dashboards, webhooks and Kafka (principle 7).
  for (const m of incoming ?? []) byId.set(m.messageId, { ...m, text: maskPersonalData(m.text) });
  const all = byTime([...byId.values()], (m) => toMs(m.at), (m) => m.messageId);
  return max > 0 ? all.slice(-max) : [];
}

function skillsFor(intents: ComplaintIntent[], config: RoutingConfig): string[] {
  return intents.flatMap((i) => config.skillsByIntent[i] ?? []);
}

function mergeTarget(existing: Escalation['target'] | undefined, req: RequestData, intents: ComplaintIntent[],
  channel: Channel | undefined, context: Pick<Context, 'tier' | 'queue'>, config: RoutingConfig): Escalation['target'] {
  const language = existing?.language ?? req.target?.language ?? req.customer.language;
  // An escalation never changes team once it has one: its people are already on it.
  const team = existing?.team ?? req.target?.team ?? resolveTeam(config, { channel, language, tier: context.tier, queue: context.queue });
  const skills = uniq([...(existing?.skills ?? []), ...(req.target?.skills ?? []), ...skillsFor(intents, config)]);
  return { team, ...(language !== undefined ? { language } : {}), skills };
}

function build(base: Omit<Escalation, 'severity' | 'suggestedActions'>, severity: Severity): Escalation {
  const e: Escalation = { ...base, severity, suggestedActions: [] };
  const ids = suggestActionIds(e);
  e.suggestedActions = ids.map((id) => ACTIONS[id]);
  e.suggestedActionIds = ids;
  return e;
}

function sameContext(a: Context, b: Context): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function raise(existing: Escalation | undefined, request: EscalationRequested, config: RoutingConfig, nowIso: string,
  reasons: Reason[]): MergeResult {
  const d = request.data;
  const seq = existing ? escalationSeq(existing.escalationId) + 1 : 1;
  const channel = d.channel ?? existing?.channel;
  // The customer's history carries over to a new escalation of the same conversation.
  const context = mergeContext(existing?.context, d, config);
  const intents = uniq(d.intents);
  const capped = capReasons(reasons, config.maxReasons);
  const severity = computeSeverity({ reasons: capped, intents, tier: context.tier, priority: context.priority, channel }, config);
  const escalation = build({
    escalationId: escalationId(request.tenantid, d.conversationId, seq),
    conversationId: d.conversationId,
    ...(channel !== undefined ? { channel } : {}),
    status: 'open',
    reasons: capped,
    intents,
    target: mergeTarget(undefined, d, intents, channel, context, config),
    ladderStep: 0,
    context,
    createdAt: nowIso,
    updatedAt: nowIso,
  }, severity);
  return { escalation, change: 'raised', newReasons: capped, severityRaised: false };
}

/**
 * Merges an escalation request into the conversation's current escalation (at most one open per
 * conversation). `existing` is the latest escalation of this conversation in this tenant, whatever
 * its status; `now` is the processing time (pass the event time for replay-stable output).
 *
 * Rules:
 * - no `existing` → raised (sequence 1).
 * - `existing` open or acknowledged → reasons appended (deduplicated by causeId), intents and
 *   skills unioned, context merged, severity = max(old, recomputed) (never goes down). The change
 *   is `updated` when a new reason code, a new intent or a higher severity arrived, otherwise
 *   `unchanged` (repeats of a known code are stored silently, nothing is announced). The status
 *   stays as it is: an acknowledged escalation stays with the person who took it.
 * - `existing` resolved → within the cool-down after the resolve (its `updatedAt`), a request
 *   whose reason codes were all already on it and whose severity is not higher is merged into it
 *   silently (`unchanged`, still resolved). Otherwise a new escalation is raised with the next
 *   sequence number, carrying the customer context over.
 * - A request whose reasons are all known (a replay) returns `existing` itself, `unchanged`.
 */
export function mergeRequest(existing: Escalation | undefined, request: EscalationRequested, config: RoutingConfig,
  now: Time): MergeResult {
  const d = request.data;
  const nowIso = toIso(now);
  if (existing && existing.conversationId !== d.conversationId) {
    throw new Error(`escalation ${existing.escalationId} belongs to another conversation`);
  }
  const incoming = dedupeReasons(d.reasons);
  if (!existing) return raise(undefined, request, config, nowIso, incoming);

  const known = new Set(existing.reasons.map((r) => r.causeId));
  const newReasons = incoming.filter((r) => !known.has(r.causeId));
  const unchanged: MergeResult = { escalation: existing, change: 'unchanged', newReasons: [], severityRaised: false };
  if (newReasons.length === 0) return unchanged;

  const existingCodes = new Set(existing.reasons.map((r) => r.code));
  const newCode = newReasons.some((r) => !existingCodes.has(r.code));
  const channel = existing.channel ?? d.channel;
  const tier = d.customer.tier ?? d.context?.tier ?? existing.context.tier;
  const priority = d.context?.priority ?? existing.context.priority;

  if (existing.status === 'resolved') {
    const requestSeverity = computeSeverity({ reasons: newReasons, intents: d.intents, tier, priority, channel }, config);
    const withinCoolDown = toMs(now) - toMs(existing.updatedAt) < durationMs(config.coolDown);
    const newIntent = d.intents.some((i) => !existing.intents.includes(i));
    if (withinCoolDown && !newCode && !newIntent && severityRank(requestSeverity) <= severityRank(existing.severity)) {
      const escalation: Escalation = {
        ...existing,
        reasons: capReasons([...existing.reasons, ...newReasons], config.maxReasons),
        context: mergeContext(existing.context, d, config),
      };
      return { escalation, change: 'unchanged', newReasons, severityRaised: false };
    }
    return raise(existing, request, config, nowIso, incoming);
  }

  const intents = uniq([...existing.intents, ...d.intents]);
  const newIntent = intents.length > existing.intents.length;
  const reasons = capReasons([...existing.reasons, ...newReasons], config.maxReasons);
  const context = mergeContext(existing.context, d, config);
  const recomputed = computeSeverity({ reasons, intents, tier: context.tier, priority: context.priority, channel }, config);
  const severity = severityRank(recomputed) > severityRank(existing.severity) ? recomputed : existing.severity;
  const severityRaised = severity !== existing.severity;
  const escalation = build({
    ...existing,
    ...(channel !== undefined ? { channel } : {}),
    reasons,
    intents,
    target: mergeTarget(existing.target, d, intents, channel, context, config),
    context,
    updatedAt: nowIso,
  }, severity);
  const change: MergeChange = newCode || newIntent || severityRaised ? 'updated' : 'unchanged';
  if (change === 'unchanged' && sameContext(context, existing.context) && reasons.length === existing.reasons.length
    && reasons.every((r, i) => r === existing.reasons[i])) {
    return unchanged;
  }
  return { escalation, change, newReasons, severityRaised };
}

/** Acknowledges an open escalation; the ladder stops. Idempotent for the same person. */
export function acknowledge(escalation: Escalation, by: string, now: Time): Escalation {
  if (escalation.status !== 'open') return escalation;
  const at = toIso(now);
  return { ...escalation, status: 'acknowledged', acknowledgedBy: by, acknowledgedAt: escalation.acknowledgedAt ?? at, updatedAt: at };
}

/** Resolves an escalation; its `updatedAt` becomes the resolve time the cool-down counts from. */
export function resolve(escalation: Escalation, by: string, now: Time): Escalation {
  if (escalation.status === 'resolved') return escalation;
  const at = toIso(now);
  return { ...escalation, status: 'resolved', resolvedBy: by, resolvedAt: at, updatedAt: at };
}
