// Twilio: Conversations webhooks and Voice status callbacks (form-encoded POST parameters, as in
// twilio.com/docs "Conversations Webhooks" and "Call status callbacks") and Event Streams webhook
// sinks (a JSON array of CloudEvents, signed with bodySHA256). The signature covers the public
// URL Twilio called, so the tenant configures that base URL (publicUrl).
import type { IngestRequest, MapContext, RecordOutcome } from '../ingest-types';
import { parseForm, verifyTwilio, type FormParams } from '../signatures/twilio-signature';
import { ignored, jsonRecords, unmappable, type Connector } from './connector';
import { field, isObject, obj, path, str, type Json } from './payload-fields';
import { CONVERSATION_STREAM_TYPES, callStatusOfStreamType, mapCallStatus, mapConversationEvent } from './twilio-mapping';

const isForm = (req: IngestRequest) => /^application\/x-www-form-urlencoded/i.test(req.headers['content-type'] ?? '');

function formRecord(params: FormParams): Json {
  return Object.fromEntries([...params].map(([k, v]) => [k, v[0]]));
}

/** A flat parameter record: a Conversations webhook (EventType) or a Voice status callback (CallStatus). */
function mapParams(p: Json, ctx: MapContext): RecordOutcome {
  const eventType = str(p, 'EventType');
  if (eventType) return mapConversationEvent(eventType, p, ctx);
  const status = str(p, 'CallStatus');
  if (status) return mapCallStatus(status, p, ctx);
  return unmappable('neither a Conversations webhook (EventType) nor a Voice status callback (CallStatus)');
}

/** One Event Streams CloudEvent. */
function mapStreamEvent(e: Json, ctx: MapContext): RecordOutcome {
  const type = str(e, 'type') ?? '';
  const data = obj(e, 'data') ?? {};
  const conversationType = CONVERSATION_STREAM_TYPES[type];
  if (conversationType) return mapConversationEvent(conversationType, data, ctx);
  const streamStatus = callStatusOfStreamType(type);
  if (streamStatus !== undefined) {
    // Voice.WebhookEvent: the status callback's parameters travel in data.request.parameters.
    const params = obj(path(data, 'request'), 'parameters') ?? {};
    const merged: Json = { ...data, ...params };
    merged.CallSid = str(params, 'CallSid') ?? str(data, 'CallSid', 'callSid', 'sid');
    merged.Timestamp = field(params, 'Timestamp') ?? field(data, 'timestamp') ?? field(e, 'time');
    return mapCallStatus(str(params, 'CallStatus') ?? streamStatus, merged, ctx);
  }
  return type ? ignored(`Event Streams type ${type} is not mapped`) : unmappable('Event Streams record without a type');
}

export const twilioConnector: Connector<'twilio'> = {
  name: 'twilio',
  authenticate(req, cfg) {
    const form = isForm(req) ? parseForm(req.body.toString('utf8')) : undefined;
    return verifyTwilio(req.headers['x-twilio-signature'], cfg.authToken, cfg.publicUrl + req.originalUrl, req.body, form);
  },
  map(req, ctx) {
    if (isForm(req)) return [mapParams(formRecord(parseForm(req.body.toString('utf8'))), ctx)];
    return jsonRecords(req.body).map((r) => {
      if (!isObject(r)) return unmappable('record is not a JSON object');
      return str(r, 'specversion') !== undefined ? mapStreamEvent(r, ctx) : mapParams(r, ctx);
    });
  },
};
