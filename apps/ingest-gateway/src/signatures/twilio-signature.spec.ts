// Twilio's published test vectors: spec/validation.spec.js of twilio/twilio-node (the official
// helper library, MIT), token "12345", URL https://mycompany.com/myapp.php?foo=1&bar=2. Each
// vector must verify, and a one-byte change of signature, URL, parameter or body must not.
import { candidateUrls, parseForm, twilioSignature, verifyTwilio, type FormParams } from './twilio-signature';

const token = '12345';
const requestUrl = 'https://mycompany.com/myapp.php?foo=1&bar=2';
const defaultParams = { CallSid: 'CA1234567890ABCDE', Caller: '+14158675309', Digits: '1234', From: '+14158675309', To: '+18005551212' };
const form = (o: Record<string, string | string[]>): FormParams => new Map(Object.entries(o).map(([k, v]) => [k, Array.isArray(v) ? v : [v]]));
const jsonBody = '{"property": "value", "boolean": true}';
const bodyHash = '0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620';
const verify = (sig: string | undefined, url: string, params: FormParams | undefined, body = '') =>
  verifyTwilio(sig, token, url, Buffer.from(body), params);

describe('Twilio signature (twilio-node test vectors)', () => {
  it('accepts the default vector and rejects a one-byte change of signature, URL or parameter', () => {
    expect(verify('RSOYDt4T1cUTdK1PDd93/VVr8B8=', requestUrl, form(defaultParams))).toEqual({ ok: true });
    expect(verify('RSOYDt4T1cUTdK1PDd93/VVr8B9=', requestUrl, form(defaultParams)).ok).toBe(false);
    expect(verify('RSOYDt4T1cUTdK1PDd93/VVr8B8=', requestUrl.replace('foo=1', 'foo=2'), form(defaultParams)).ok).toBe(false);
    expect(verify('RSOYDt4T1cUTdK1PDd93/VVr8B8=', requestUrl, form({ ...defaultParams, Digits: '1235' })).ok).toBe(false);
  });

  it('rejects a missing signature, naming the header', () => {
    expect(verify(undefined, requestUrl, form(defaultParams))).toEqual({ ok: false, reason: 'missing X-Twilio-Signature header' });
  });

  it('accepts URLs with and without ports, credentials, and special characters', () => {
    expect(verify('RSOYDt4T1cUTdK1PDd93/VVr8B8=', requestUrl.replace('.com', '.com:1234'), form(defaultParams)).ok).toBe(true);
    expect(verify('Zmvh+3yNM1Phv2jhDCwEM3q5ebU=', requestUrl.replace('.com', '.com:1234').replace('https', 'http'), form(defaultParams)).ok).toBe(true);
    expect(verify('kvajT1Ptam85bY51eRf/AJRuM3w=', requestUrl, form(defaultParams)).ok).toBe(true);
    expect(verify('0ZXoZLH/DfblKGATFgpif+LLRf4=', requestUrl.replace('https', 'http'), form(defaultParams)).ok).toBe(true);
    expect(verify('CukzLTc1tT5dXEDIHm/tKBanW10=', 'https://user:pass@mycompany.com/myapp.php?foo=1&bar=2', form(defaultParams)).ok).toBe(true);
    expect(verify('2YRLlVAflCqxaNicjMpJcSTgzSs=', 'https://user@mycompany.com/myapp.php?foo=1&bar=2', form(defaultParams)).ok).toBe(true);
    expect(verify('ZQFR1PTIZXF2MXB8ZnKCvnnA+rI=', 'https://user:pass@mycompany.com/myapp.php?foo=1&bar=2', form(defaultParams)).ok).toBe(true);
    expect(verify('TfZzewPq8wqrGlMfyAud8+/IvJ0=', `${requestUrl}&Body=It's+amazing`, form(defaultParams)).ok).toBe(true);
  });

  it('signs repeated parameters by their distinct values in sorted order', () => {
    expect(verify('83O6e2vORAoJHUNzJjDWN1jz+BA=', requestUrl, form({ 'MessagingBinding.Address': ['+1325xxxxxxx', '+1415xxxxxxx'] })).ok).toBe(true);
    expect(verify('83O6e2vORAoJHUNzJjDWN1jz+BA=', requestUrl, form({ 'MessagingBinding.Address': ['+1415xxxxxxx', '+1325xxxxxxx'] })).ok).toBe(true);
    expect(verify('IK+Dwps556ElfBT0I3Rgjkr1wJU=', requestUrl, form({ Sid: 'CA123', SidAccount: 'AC123', Digits: ['5678', '1234', '1234'] })).ok).toBe(true);
  });

  it('verifies JSON bodies by the bodySHA256 query parameter', () => {
    expect(verify('a9nBmqA0ju/hNViExpshrM61xv4=', `${requestUrl}&bodySHA256=${bodyHash}`, undefined, jsonBody)).toEqual({ ok: true });
    expect(verify('Ldidvp12m26NI7eqEvxnEpkd9Hc=', `${requestUrl}&bodySHA256=44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a`, undefined, '{}').ok).toBe(true);
    expect(verify('y77kIzt2vzLz71DgmJGsen2scGs=', `https://mycompany.com/myapp.php?bodySHA256=${bodyHash}`, undefined, jsonBody).ok).toBe(true);
    // One byte of the body changed: its hash no longer matches the signed URL.
    expect(verify('a9nBmqA0ju/hNViExpshrM61xv4=', `${requestUrl}&bodySHA256=${bodyHash}`, undefined, jsonBody.replace('value', 'valuf'))).toEqual({ ok: false, reason: 'bodySHA256 does not match the body' });
    // A JSON body without bodySHA256 cannot be verified.
    expect(verify('RSOYDt4T1cUTdK1PDd93/VVr8B8=', requestUrl, undefined, jsonBody).ok).toBe(false);
  });

  it('parses form bodies into repeated parameters and signs what it verifies', () => {
    const params = parseForm('Body=It%27s+amazing&To=%2B18005551212&Media=a&Media=b');
    expect(params.get('Body')).toEqual(["It's amazing"]);
    expect(params.get('Media')).toEqual(['a', 'b']);
    const sig = twilioSignature(token, requestUrl, params);
    expect(verify(sig, requestUrl, params).ok).toBe(true);
  });

  it('lists the URL forms the helper libraries try', () => {
    expect(candidateUrls('https://cx.example.com/ingest/acme/twilio?x=a%20b')).toEqual([
      'https://cx.example.com/ingest/acme/twilio?x=a%20b',
      'https://cx.example.com:443/ingest/acme/twilio?x=a%20b',
    ]);
  });
});
