// Zendesk's published example (developer.zendesk.com "Verifying webhook authenticity": secret
// HRkRd4BeOAoUkfZr-mhauJT64rvBASlJRoIyPsd3zeA=, body {"say": "hello"}, timestamp
// 2021-07-25T10:00:00Z, signature tRDSF7URY8BLCDlaBcQ7FHu051Zk+aAB0NKMP53teMw=) and signatures
// made by the openssl command line (an HMAC nobody here wrote) for the documented schemes.
import { execFileSync } from 'node:child_process';
import { verifyBearer, verifyChatwoot, verifyZendesk } from './hmac-signatures';

const openssl = (data: string, key: string, encoding: 'hex' | 'base64') => {
  const digest = execFileSync('openssl', ['dgst', '-sha256', '-hmac', key, '-binary'], { input: data });
  return digest.toString(encoding);
};

describe('Zendesk webhook signature', () => {
  const secret = 'HRkRd4BeOAoUkfZr-mhauJT64rvBASlJRoIyPsd3zeA=';
  const body = Buffer.from('{"say": "hello"}');
  const ts = '2021-07-25T10:00:00Z';
  const at = new Date(ts);
  const headers = (signature: string, timestamp = ts) => ({ 'x-zendesk-webhook-signature': signature, 'x-zendesk-webhook-signature-timestamp': timestamp });

  it("accepts Zendesk's documented example and a timestamp+body signature made by openssl", () => {
    expect(verifyZendesk(headers('tRDSF7URY8BLCDlaBcQ7FHu051Zk+aAB0NKMP53teMw='), body, { secret }, at)).toEqual({ ok: true });
    expect(verifyZendesk(headers(openssl(ts + body.toString(), secret, 'base64')), body, { secret }, at)).toEqual({ ok: true });
  });

  it('rejects a one-byte change of the body, the signature, the timestamp or the secret', () => {
    const sig = 'tRDSF7URY8BLCDlaBcQ7FHu051Zk+aAB0NKMP53teMw=';
    expect(verifyZendesk(headers(sig), Buffer.from('{"say": "hellp"}'), { secret }, at).ok).toBe(false);
    expect(verifyZendesk(headers('tRDSF7URY8BLCDlaBcQ7FHu051Zk+aAB0NKMP53teMx='), body, { secret }, at).ok).toBe(false);
    expect(verifyZendesk(headers(sig, '2021-07-25T10:00:01Z'), body, { secret }, at).ok).toBe(false);
    expect(verifyZendesk(headers(sig), body, { secret: secret.replace('H', 'h') }, at).ok).toBe(false);
  });

  it('rejects timestamps more than 5 minutes old or ahead, and missing headers', () => {
    const sig = openssl(ts + body.toString(), secret, 'base64');
    expect(verifyZendesk(headers(sig), body, { secret }, new Date(at.getTime() + 5 * 60_000))).toEqual({ ok: true });
    expect(verifyZendesk(headers(sig), body, { secret }, new Date(at.getTime() + 5 * 60_000 + 1))).toEqual({ ok: false, reason: 'signature timestamp is more than 5 minutes old' });
    expect(verifyZendesk(headers(sig), body, { secret }, new Date(at.getTime() - 5 * 60_000 - 1))).toEqual({ ok: false, reason: 'signature timestamp is more than 5 minutes in the future' });
    expect(verifyZendesk({ 'x-zendesk-webhook-signature-timestamp': ts }, body, { secret }, at)).toEqual({ ok: false, reason: 'missing X-Zendesk-Webhook-Signature header' });
    expect(verifyZendesk({ 'x-zendesk-webhook-signature': sig }, body, { secret }, at)).toEqual({ ok: false, reason: 'missing X-Zendesk-Webhook-Signature-Timestamp header' });
  });
});

describe('Chatwoot webhook signature', () => {
  const secret = 'cw-webhook-secret-1234';
  const body = Buffer.from('{"event":"message_created","id":42,"content":"Hallo"}');
  const ts = '1767225600';
  const at = new Date(Number(ts) * 1000);
  const sig = `sha256=${openssl(`${ts}.${body.toString()}`, secret, 'hex')}`;
  /** null leaves the header out. */
  const headers = (signature: string | null, timestamp: string | null = ts) => ({
    ...(signature !== null ? { 'x-chatwoot-signature': signature } : {}), ...(timestamp !== null ? { 'x-chatwoot-timestamp': timestamp } : {}),
  });
  const cfg = { secret, allowUnsigned: false };

  it('accepts sha256=<hex HMAC of "timestamp.body"> as openssl computes it', () => {
    expect(verifyChatwoot(headers(sig), body, cfg, at)).toEqual({ ok: true });
    expect(verifyChatwoot(headers(sig.slice(7)), body, cfg, at)).toEqual({ ok: true });
  });

  it('rejects a one-byte change, a stale or future timestamp, and missing headers', () => {
    expect(verifyChatwoot(headers(sig), Buffer.from(body.toString().replace('Hallo', 'Hallp')), cfg, at).ok).toBe(false);
    expect(verifyChatwoot(headers(sig.replace(/.$/, (c) => (c === '0' ? '1' : '0'))), body, cfg, at).ok).toBe(false);
    expect(verifyChatwoot(headers(sig), body, cfg, new Date(at.getTime() + 301_000))).toEqual({ ok: false, reason: 'signature timestamp is more than 5 minutes old' });
    expect(verifyChatwoot(headers(sig), body, cfg, new Date(at.getTime() - 301_000))).toEqual({ ok: false, reason: 'signature timestamp is more than 5 minutes in the future' });
    expect(verifyChatwoot(headers(null), body, cfg, at)).toEqual({ ok: false, reason: 'missing X-Chatwoot-Signature header' });
    expect(verifyChatwoot(headers(sig, null), body, cfg, at)).toEqual({ ok: false, reason: 'missing X-Chatwoot-Timestamp header' });
  });

  it('admits unsigned deliveries only with allowUnsigned, and still checks a signed one', () => {
    expect(verifyChatwoot({}, body, cfg, at).ok).toBe(false);
    expect(verifyChatwoot({}, body, { secret, allowUnsigned: true }, at)).toEqual({ ok: true });
    expect(verifyChatwoot({}, body, { allowUnsigned: true }, at)).toEqual({ ok: true });
    expect(verifyChatwoot(headers('sha256=00'), body, { secret, allowUnsigned: true }, at).ok).toBe(false);
  });
});

describe('bearer tokens', () => {
  const cfg = { token: 'forwarder-token-0123456789' };
  it('accepts the exact token only', () => {
    expect(verifyBearer({ authorization: 'Bearer forwarder-token-0123456789' }, cfg)).toEqual({ ok: true });
    expect(verifyBearer({ authorization: 'bearer forwarder-token-0123456789' }, cfg)).toEqual({ ok: true });
    expect(verifyBearer({ authorization: 'Bearer forwarder-token-0123456788' }, cfg)).toEqual({ ok: false, reason: 'wrong bearer token' });
    expect(verifyBearer({ authorization: 'Basic Zm9vOmJhcg==' }, cfg).ok).toBe(false);
    expect(verifyBearer({}, cfg)).toEqual({ ok: false, reason: 'missing Authorization header (Bearer token)' });
  });
});
