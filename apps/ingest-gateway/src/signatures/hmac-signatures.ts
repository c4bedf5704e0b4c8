// The platforms' HMAC signature schemes and bearer tokens, verified in constant time. A signed
// timestamp more than five minutes from now (either way) is rejected, so a captured delivery
// cannot be replayed later (docs/connectors.md).
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { AuthResult } from '../ingest-types';

export const MAX_SKEW_MS = 5 * 60_000;

/**
 * Equal strings, compared in time independent of where they differ. Lengths may differ (a
 * signature's length is public): those are hashed first so timingSafeEqual always gets equal sizes.
 */
export function constantTimeEqual(a: string, b: string): boolean {
  const ba = Buffer.from(a);
  const bb = Buffer.from(b);
  if (ba.length === bb.length) return timingSafeEqual(ba, bb);
  timingSafeEqual(createHash('sha256').update(ba).digest(), createHash('sha256').update(bb).digest());
  return false;
}

const ok: AuthResult = { ok: true };
const fail = (reason: string): AuthResult => ({ ok: false, reason });

/** A signed timestamp within ±5 minutes of `now`. */
export function freshness(signedAtMs: number, now: Date): AuthResult {
  if (!Number.isFinite(signedAtMs)) return fail('signature timestamp is not a valid time');
  const skew = signedAtMs - now.getTime();
  if (skew > MAX_SKEW_MS) return fail('signature timestamp is more than 5 minutes in the future');
  if (skew < -MAX_SKEW_MS) return fail('signature timestamp is more than 5 minutes old');
  return ok;
}

/**
 * Chatwoot: `X-Chatwoot-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>` with the
 * Unix seconds of `X-Chatwoot-Timestamp`. `allowUnsigned` admits a delivery that carries no
 * signature at all (Chatwoot versions before webhook signing); a present signature is checked.
 */
export function verifyChatwoot(headers: Record<string, string>, body: Buffer, cfg: { secret?: string; allowUnsigned: boolean }, now: Date): AuthResult {
  const signature = headers['x-chatwoot-signature'];
  const timestamp = headers['x-chatwoot-timestamp'];
  if (signature === undefined && timestamp === undefined && cfg.allowUnsigned) return ok;
  if (!signature) return fail('missing X-Chatwoot-Signature header');
  if (!timestamp) return fail('missing X-Chatwoot-Timestamp header');
  if (!cfg.secret) return fail('signed delivery but no chatwoot secret configured for this tenant');
  if (!/^\d{1,13}$/.test(timestamp.trim())) return fail('X-Chatwoot-Timestamp is not Unix seconds');
  const seconds = Number(timestamp.trim());
  const fresh = freshness(seconds > 1e11 ? seconds : seconds * 1000, now);
  if (!fresh.ok) return fresh;
  const expected = createHmac('sha256', cfg.secret).update(`${timestamp.trim()}.`).update(body).digest('hex');
  const given = signature.trim().replace(/^sha256=/i, '').toLowerCase();
  return constantTimeEqual(given, expected) ? ok : fail('X-Chatwoot-Signature does not match');
}

/**
 * Zendesk: `X-Zendesk-Webhook-Signature: base64(HMAC-SHA256(signing secret, timestamp + body))`
 * with the ISO 8601 `X-Zendesk-Webhook-Signature-Timestamp`; the secret is used as given (its
 * text, not base64-decoded). Zendesk's own published example signs body + timestamp, so that
 * order is accepted as well (the timestamp must still parse and be fresh).
 */
export function verifyZendesk(headers: Record<string, string>, body: Buffer, cfg: { secret: string }, now: Date): AuthResult {
  const signature = headers['x-zendesk-webhook-signature'];
  const timestamp = headers['x-zendesk-webhook-signature-timestamp'];
  if (!signature) return fail('missing X-Zendesk-Webhook-Signature header');
  if (!timestamp) return fail('missing X-Zendesk-Webhook-Signature-Timestamp header');
  if (!/^\d{4}-\d{2}-\d{2}T/.test(timestamp)) return fail('X-Zendesk-Webhook-Signature-Timestamp is not an ISO 8601 time');
  const fresh = freshness(Date.parse(timestamp), now);
  if (!fresh.ok) return fresh;
  const given = signature.trim();
  if (constantTimeEqual(given, createHmac('sha256', cfg.secret).update(timestamp).update(body).digest('base64'))) return ok;
  // Only when the documented order fails (timing then tells which order matched, nothing about the secret).
  if (constantTimeEqual(given, createHmac('sha256', cfg.secret).update(body).update(timestamp).digest('base64'))) return ok;
  return fail('X-Zendesk-Webhook-Signature does not match');
}

/** `Authorization: Bearer <token>` against the tenant's token. */
export function verifyBearer(headers: Record<string, string>, cfg: { token: string }): AuthResult {
  const auth = headers.authorization;
  if (!auth) return fail('missing Authorization header (Bearer token)');
  const m = /^Bearer\s+(\S+)\s*$/i.exec(auth);
  if (!m) return fail('Authorization header is not a Bearer token');
  return constantTimeEqual(m[1], cfg.token) ? ok : fail('wrong bearer token');
}
