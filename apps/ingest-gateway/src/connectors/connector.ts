// The one contract every connector fulfils, and the builders of contract event drafts they share, so
// each connector is only its platform's signature scheme and field mapping.
import type { Channel, PlatformSentiment } from '@cx/contracts';
import type { ConnectorName, TenantConnectors } from '../connectors-config';
import { UnmappableError, type AuthResult, type EventDraft, type IngestRequest, type MapContext, type RecordOutcome } from '../ingest-types';

export interface Connector<N extends ConnectorName = ConnectorName> {
  readonly name: N;
  /** Checks the platform's signature or token against the tenant's configuration of this connector. */
  authenticate(req: IngestRequest, cfg: NonNullable<TenantConnectors[N]>, now: Date): AuthResult;
  /**
   * One outcome per record of the body. Throws UnmappableError when the body as a whole cannot be
   * read (not JSON, not a form, not an object or array of objects).
   */
  map(req: IngestRequest, ctx: MapContext): RecordOutcome[] | Promise<RecordOutcome[]>;
}

/** JSON body → its records: one object, or each element of an array. */
export function jsonRecords(body: Buffer): unknown[] {
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch (e) {
    throw new UnmappableError(`body is not valid JSON: ${(e as Error).message}`);
  }
  if (Array.isArray(value)) {
    if (value.length === 0) throw new UnmappableError('body is an empty JSON array');
    return value;
  }
  if (typeof value !== 'object' || value === null) throw new UnmappableError('body must be a JSON object or an array of objects');
  return [value];
}

export const ignored = (reason: string): RecordOutcome => ({ kind: 'ignored', reason });
export const unmappable = (reason: string): RecordOutcome => ({ kind: 'unmappable', reason });
export const events = (...drafts: EventDraft[]): RecordOutcome => (drafts.length ? { kind: 'events', events: drafts } : ignored('nothing to map'));

/**
 * Ids of several events derived from one platform event: the first keeps the platform's id, the
 * others add what they are, so a retried delivery yields the same ids in the same order.
 */
export function derivedIds(baseId: string, kinds: string[]): string[] {
  return kinds.map((k, i) => (i === 0 ? baseId : `${baseId}:${k}`));
}

interface Base { id: string; conversationId: string; channel: Channel; time: string }
const draft = (type: EventDraft['type'], b: Base, data: Record<string, unknown>): EventDraft => ({
  type, id: b.id, conversationId: b.conversationId, channel: b.channel, time: b.time,
  data: { conversationId: b.conversationId, channel: b.channel, ...data },
});
const defined = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

export const drafts = {
  opened: (b: Base, d: { customerId: string; language?: string; tier?: string; priority?: string; queue?: string; tags?: string[] }) =>
    draft('cx.conversation.opened.v1', b, defined({
      customer: defined({ id: d.customerId, language: d.language, tier: d.tier }), priority: d.priority, queue: d.queue,
      tags: d.tags && d.tags.length ? d.tags : undefined,
    })),
  message: (b: Base, d: { messageId: string; role: 'customer' | 'agent' | 'bot' | 'system'; authorId?: string; text: string; language?: string; platformSentiment?: PlatformSentiment }) =>
    draft('cx.message.v1', b, defined({
      messageId: d.messageId, author: defined({ role: d.role, id: d.authorId }), text: d.text, language: d.language, platformSentiment: d.platformSentiment,
    })),
  status: (b: Base, status: 'open' | 'pending_customer' | 'on_hold' | 'resolved' | 'closed') => draft('cx.conversation.status.v1', b, { status }),
  assigned: (b: Base, agentId: string, team?: string) => draft('cx.conversation.assigned.v1', b, defined({ agentId, team })),
  updated: (b: Base, d: { priority?: string; queue?: string; tags?: string[] }) => draft('cx.conversation.updated.v1', b, defined(d)),
  callQueued: (b: Base, queue?: string) => draft('cx.call.queued.v1', { ...b, channel: 'call' }, defined({ queue })),
  callAnswered: (b: Base, agentId: string) => draft('cx.call.answered.v1', { ...b, channel: 'call' }, { agentId }),
  callAbandoned: (b: Base) => draft('cx.call.abandoned.v1', { ...b, channel: 'call' }, {}),
};

/** Platform language tags are BCP 47-ish ("en-US", "de"); anything else is left out. */
export function languageOf(v: unknown): string | undefined {
  return typeof v === 'string' && /^[A-Za-z]{2,3}([-_][A-Za-z0-9]{1,8})*$/.test(v) ? v.replace('_', '-') : undefined;
}
