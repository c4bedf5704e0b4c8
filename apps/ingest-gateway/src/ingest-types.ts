// The shapes every connector shares: the request as it arrived (raw bytes, for signatures), what
// a connector makes of each record, and the contract event drafts the service turns into CloudEvents.
import type { Channel, InteractionType } from '@cx/contracts';
import type { ConnectorName } from './connectors-config';

export interface IngestRequest {
  tenant: string;
  connector: ConnectorName;
  /** Lower-case header names; the first value of repeated headers. */
  headers: Record<string, string>;
  /** Path and query exactly as requested (Twilio signs them). */
  originalUrl: string;
  body: Buffer;
  receivedAt: Date;
}

/** One contract event before its envelope: the service adds source, tenant and trace context. */
export interface EventDraft {
  type: InteractionType;
  /** CloudEvent id: from the platform's event or delivery id, so retries dedupe downstream. */
  id: string;
  conversationId: string;
  channel: Channel;
  /** RFC 3339, from the payload. */
  time: string;
  data: Record<string, unknown>;
}

/**
 * A CloudEvent that already is a contract event (the cloudevents connector): published as it came, with
 * its extensions, once validated.
 */
export interface PassThroughEvent {
  event: Record<string, unknown> & { subject: string; type: string; id: string; time: string };
  channel: Channel;
}

export type RecordOutcome =
  | { kind: 'events'; events: EventDraft[] }
  | { kind: 'passthrough'; events: PassThroughEvent[] }
  | { kind: 'ignored'; reason: string }
  | { kind: 'unmappable'; reason: string };

export type AuthResult = { ok: true } | { ok: false; reason: string };

/** What a connector needs besides the request: the clock and the contact-start store. */
export interface MapContext {
  tenant: string;
  receivedAt: Date;
  contactStarts: ContactStartStore;
  pseudonym(value: string): string;
}

/**
 * Where Amazon Connect contacts' start instants live (shared by all gateway instances), so
 * Contact Lens offsets become event times whichever instance receives a record.
 */
export interface ContactStartStore {
  /**
   * The start of each contact: the one already stored, else `candidate` (then stored). Keys are
   * contact ids; one round trip for the whole request.
   */
  startOf(tenant: string, candidates: Map<string, Date>): Promise<Map<string, Date>>;
}

export class UnmappableError extends Error {
  override name = 'UnmappableError';
}
