// Twilio's request signature, computed the way its helper libraries validate it: X-Twilio-Signature
// = base64(HMAC-SHA1(auth token, URL + each POST parameter name and value, names sorted)). For a
// JSON body Twilio appends `bodySHA256=<hex sha256 of the body>` to the URL and signs the URL
// alone. Its back end is inconsistent about the port and the query encoding, so the helper
// libraries accept the URL with and without the standard port and with the legacy query encoding.
import { createHash, createHmac } from 'node:crypto';
import { parse as parseQs, stringify as stringifyQs } from 'node:querystring';
import type { AuthResult } from '../ingest-types';
import { constantTimeEqual } from './hmac-signatures';

/** POST parameters: each name with its values in arrival order (repeated names are arrays). */
export type FormParams = Map<string, string[]>;

export function parseForm(body: string): FormParams {
  const params: FormParams = new Map();
  for (const [k, v] of new URLSearchParams(body)) {
    const list = params.get(k);
    if (list) list.push(v);
    else params.set(k, [v]);
  }
  return params;
}

/** The string Twilio signs: the URL, then name+value of every parameter, names sorted. */
function signedData(url: string, params: FormParams): string {
  let data = url;
  for (const name of [...params.keys()].sort()) {
    const values = params.get(name)!;
    // Repeated parameters: each distinct value once, sorted (as the helper libraries do).
    const distinct = values.length > 1 ? [...new Set(values)].sort() : values;
    for (const v of distinct) data += name + v;
  }
  return data;
}

export function twilioSignature(authToken: string, url: string, params: FormParams): string {
  return createHmac('sha1', authToken).update(Buffer.from(signedData(url, params), 'utf8')).digest('base64');
}

function withoutPort(u: URL): string {
  const c = new URL(u.toString());
  c.port = '';
  return c.toString();
}

function withStandardPort(u: URL): string {
  if (u.port) return u.toString();
  const port = u.protocol === 'https:' ? ':443' : ':80';
  const cred = u.username ? `${u.username}${u.password ? `:${u.password}` : ''}@` : '';
  return `${u.protocol}//${cred}${u.host}${port}${u.pathname}${u.search}${u.hash}`;
}

function withLegacyQuery(url: string): string {
  const u = new URL(url);
  if (!u.search) return url;
  const qs = parseQs(u.search.slice(1));
  u.search = '';
  return `${u.toString()}?${stringifyQs(qs)}`;
}

/** The URL forms Twilio may have signed for one request. */
export function candidateUrls(url: string): string[] {
  const u = new URL(url);
  const forms = [withoutPort(u), withStandardPort(u)];
  return [...new Set([...forms, ...forms.map(withLegacyQuery)])];
}

/**
 * Verifies a Twilio request. `url` is what Twilio called (publicUrl + path + query); `body` the
 * raw bytes; `form` the parsed parameters of a form-encoded body (undefined for JSON bodies).
 */
export function verifyTwilio(signature: string | undefined, authToken: string, url: string, body: Buffer, form: FormParams | undefined): AuthResult {
  if (!signature) return { ok: false, reason: 'missing X-Twilio-Signature header' };
  let urls: string[];
  try {
    urls = candidateUrls(url);
  } catch {
    return { ok: false, reason: 'request URL cannot be parsed' };
  }
  const bodyHash = new URL(url).searchParams.get('bodySHA256');
  let params: FormParams = form ?? new Map();
  if (bodyHash !== null) {
    // JSON (or any non-form) body: the URL carries the body's hash and the signature covers the URL.
    const actual = createHash('sha256').update(body).digest('hex');
    if (!constantTimeEqual(bodyHash.toLowerCase(), actual)) return { ok: false, reason: 'bodySHA256 does not match the body' };
    params = new Map();
  } else if (!form && body.length > 0) {
    return { ok: false, reason: 'a non-form body must be signed with a bodySHA256 query parameter' };
  }
  let matched = false;
  for (const u of urls) if (constantTimeEqual(signature.trim(), twilioSignature(authToken, u, params))) matched = true;
  return matched ? { ok: true } : { ok: false, reason: 'X-Twilio-Signature does not match (check publicUrl in the connectors file)' };
}
