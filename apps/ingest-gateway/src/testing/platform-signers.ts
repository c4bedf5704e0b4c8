// Signs requests the way each platform does, for the fixture tests, the integration tests, the
// benchmark and the demo (a platform stand-in). Production code never signs.
import { createHash, createHmac } from 'node:crypto';
import { twilioSignature, type FormParams } from '../signatures/twilio-signature';

export function chatwootHeaders(secret: string, body: string | Buffer, at: Date, deliveryId?: string): Record<string, string> {
  const ts = String(Math.floor(at.getTime() / 1000));
  const sig = createHmac('sha256', secret).update(`${ts}.`).update(body).digest('hex');
  return {
    'content-type': 'application/json', 'x-chatwoot-timestamp': ts, 'x-chatwoot-signature': `sha256=${sig}`,
    ...(deliveryId ? { 'x-chatwoot-delivery': deliveryId } : {}),
  };
}

export function zendeskHeaders(secret: string, body: string | Buffer, at: Date): Record<string, string> {
  const ts = at.toISOString().replace(/\.\d{3}Z$/, 'Z');
  return {
    'content-type': 'application/json', 'x-zendesk-webhook-signature-timestamp': ts,
    'x-zendesk-webhook-signature': createHmac('sha256', secret).update(ts).update(body).digest('base64'),
  };
}

/** A form-encoded Twilio webhook: the encoded body and its X-Twilio-Signature for `url`. */
export function twilioForm(authToken: string, url: string, params: Record<string, string | string[]>): { body: string; headers: Record<string, string> } {
  const form: FormParams = new Map(Object.entries(params).map(([k, v]) => [k, Array.isArray(v) ? v : [v]]));
  const body = new URLSearchParams([...form].flatMap(([k, vs]) => vs.map((v) => [k, v] as [string, string]))).toString();
  return { body, headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilioSignature(authToken, url, form) } };
}

/** A JSON Twilio webhook (Event Streams): the path with bodySHA256 appended, and the signature of that URL. */
export function twilioJson(authToken: string, publicUrl: string, path: string, body: string): { path: string; headers: Record<string, string> } {
  const sep = path.includes('?') ? '&' : '?';
  const signedPath = `${path}${sep}bodySHA256=${createHash('sha256').update(body).digest('hex')}`;
  return { path: signedPath, headers: { 'content-type': 'application/json', 'x-twilio-signature': twilioSignature(authToken, publicUrl + signedPath, new Map()) } };
}

export const bearer = (token: string, contentType = 'application/json') => ({ 'content-type': contentType, authorization: `Bearer ${token}` });
