// Amazon Connect, as a stream forwarder (e.g. a Kinesis-triggered function) posts it: Contact Lens
// real-time analysis records (voice: EventType STARTED / SEGMENTS / COMPLETED with offsets; chat:
// StreamingEventType with absolute times; shapes from the Amazon Connect admin guide "Sample
// real-time contact analysis segment stream" and the RealTimeContactAnalysisSegmentTranscript
// API type) and contact events (EventBridge "Amazon Connect Contact Event", with or without the
// envelope). Voice segments carry offsets only: each contact's start lives in Redis (shared by
// every gateway instance) and a segment's time is start + BeginOffsetMillis.
import type { Channel, PlatformSentiment } from '@cx/contracts';
import type { IngestRequest, MapContext, RecordOutcome } from '../ingest-types';
import { verifyBearer } from '../signatures/hmac-signatures';
import { drafts, events, ignored, jsonRecords, languageOf, unmappable, type Connector } from './connector';
import { field, firstInstant, instant, isObject, list, num, obj, path, str, type Json } from './payload-fields';
import { connectChannel, mapContactEvent } from './amazon-connect-contact-events';

const SENTIMENT: Record<string, PlatformSentiment> = { POSITIVE: 'positive', NEGATIVE: 'negative', NEUTRAL: 'neutral', MIXED: 'mixed' };
const ROLE: Record<string, 'customer' | 'agent' | 'bot' | 'system'> = {
  CUSTOMER: 'customer', AGENT: 'agent', SUPERVISOR: 'agent', SYSTEM: 'system', CUSTOM_BOT: 'bot', BOT: 'bot',
};

/**
 * Contact events arrive in an EventBridge envelope or as the bare detail, whose keys are
 * camelCase (eventType, contactId); Contact Lens records spell them PascalCase (EventType,
 * ContactId). That case is the only tell of a bare detail, so it is compared exactly here.
 */
const isContactEvent = (r: Json) => str(r, 'detail-type') === 'Amazon Connect Contact Event'
  || (typeof r.eventType === 'string' && typeof r.contactId === 'string');
const analysisEventType = (r: Json) => (str(r, 'EventType', 'StreamingEventType') ?? '').toUpperCase();

/** A Lambda-style Kinesis batch ({ Records: [{ kinesis: { data: base64 } }] }) unwrapped to its records. */
function unwrap(records: unknown[]): unknown[] {
  return records.flatMap((r) => {
    const batch = isObject(r) ? list(field(r, 'Records')) : [];
    if (!batch.length || !batch.every((x) => typeof path(x, 'kinesis', 'data') === 'string')) return [r];
    return batch.map((x) => {
      try { return JSON.parse(Buffer.from(String(path(x, 'kinesis', 'data')), 'base64').toString('utf8')); } catch { return { __invalid: 'kinesis data is not base64 JSON' }; }
    });
  });
}

const transcripts = (r: Json): Json[] => list(field(r, 'Segments')).map((s) => obj(s, 'Transcript')).filter((t): t is Json => t !== undefined);

/** The start instant each voice record needs, proposed from this request (the stored one wins). */
function startCandidates(records: unknown[], receivedAt: Date): Map<string, Date> {
  const out = new Map<string, Date>();
  const propose = (contact: string | undefined, at: Date | undefined) => {
    if (!contact || !at || Number.isNaN(at.getTime())) return;
    const prev = out.get(contact);
    if (!prev || at < prev) out.set(contact, at);
  };
  for (const r of records) {
    if (!isObject(r)) continue;
    if (isContactEvent(r)) {
      const d = obj(r, 'detail') ?? r;
      const t = instant(field(d, 'initiationTimestamp')) ?? instant(field(r, 'time'));
      propose(str(d, 'contactId'), t ? new Date(t) : undefined);
      continue;
    }
    const contact = str(r, 'ContactId');
    const type = analysisEventType(r);
    if (type === 'STARTED') propose(contact, receivedAt);
    else if (type === 'SEGMENTS') {
      // No STARTED seen (lost, or forwarded elsewhere): the latest segment ends about now.
      const offsets = transcripts(r).map((t) => num(field(t, 'EndOffsetMillis'))).filter((n): n is number => n !== undefined);
      if (offsets.length) propose(contact, new Date(receivedAt.getTime() - Math.max(...offsets)));
    }
  }
  return out;
}

function mapSegments(r: Json, contact: string, channel: Channel, start: Date | undefined, ctx: MapContext): RecordOutcome {
  const segs = transcripts(r);
  if (!segs.length) return ignored('no Transcript segments (partial utterances and categories are not mapped)');
  const language = languageOf(str(r, 'LanguageCode') ?? str(obj(r, 'StreamingSettings'), 'LanguageCode'));
  const conversationId = `amazon-connect:${contact}`;
  const out = [];
  for (const t of segs) {
    const id = str(t, 'Id');
    if (!id) return unmappable(`contact ${contact}: Transcript segment without Id`);
    const role = ROLE[(str(t, 'ParticipantRole') ?? '').toUpperCase()] ?? 'system';
    const offset = num(field(t, 'BeginOffsetMillis'));
    const absolute = instant(path(t, 'Time', 'AbsoluteTime')) ?? instant(field(t, 'AbsoluteTime'));
    const time = absolute ?? (offset !== undefined && start ? new Date(start.getTime() + offset).toISOString() : firstInstant(ctx.receivedAt));
    out.push(drafts.message({ id, conversationId, channel, time }, {
      messageId: id, role, text: str(t, 'Content') ?? '', language,
      authorId: role === 'customer' ? conversationId : undefined,
      platformSentiment: SENTIMENT[(str(t, 'Sentiment') ?? '').toUpperCase()],
    }));
  }
  return events(...out);
}

function mapAnalysisRecord(r: Json, starts: Map<string, Date>, ctx: MapContext): RecordOutcome {
  const contact = str(r, 'ContactId');
  const type = analysisEventType(r);
  if (!type) return unmappable('neither a contact event (eventType) nor a Contact Lens record (EventType / StreamingEventType)');
  if (!contact) return unmappable(`Contact Lens ${type} record without ContactId`);
  const channel = connectChannel(str(r, 'Channel'));
  if (!channel) return ignored(`channel ${str(r, 'Channel') ?? '(none)'} is not mapped`);
  switch (type) {
    case 'STARTED': return ignored('analysis started (its receive time is the contact start)');
    case 'SEGMENTS': return mapSegments(r, contact, channel, starts.get(contact), ctx);
    case 'COMPLETED': {
      const time = firstInstant(ctx.receivedAt);
      return events(drafts.status({ id: `${contact}:analysis-completed`, conversationId: `amazon-connect:${contact}`, channel, time }, 'closed'));
    }
    default: return ignored(`Contact Lens ${type} is not mapped`);
  }
}

export const amazonConnectConnector: Connector<'amazon-connect'> = {
  name: 'amazon-connect',
  authenticate: (req: IngestRequest, cfg) => verifyBearer(req.headers, cfg),
  async map(req, ctx) {
    const records = unwrap(jsonRecords(req.body));
    const candidates = startCandidates(records, ctx.receivedAt);
    const starts = candidates.size ? await ctx.contactStarts.startOf(ctx.tenant, candidates) : new Map<string, Date>();
    return records.map((r) => {
      if (!isObject(r)) return unmappable('record is not a JSON object');
      if (typeof r.__invalid === 'string') return unmappable(r.__invalid);
      return isContactEvent(r) ? mapContactEvent(r, ctx) : mapAnalysisRecord(r, starts, ctx);
    });
  },
};

