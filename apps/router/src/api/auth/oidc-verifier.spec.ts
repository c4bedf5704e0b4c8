import { hmacToken, TestIssuer, unsignedToken } from '../../../../../test/support/test-issuer';
import { OidcProvider } from './oidc-config';
import { OidcProviderClient, OidcVerifier } from './oidc-verifier';

/** The verifier against a JWKS served over HTTP (keys made by jose); Keycloak covers it end to end in test/router-security. */
describe('OidcVerifier', () => {
  let issuer: TestIssuer;
  let verifier: OidcVerifier;
  let kid: string;
  const claims = { sub: 'u-1', tenant: 'acme', roles: ['cx-supervisor'], groups: ['support'], uid: 'sup-1' };

  beforeAll(async () => {
    issuer = await TestIssuer.start();
    kid = await issuer.addKey('RS256');
    const provider = OidcProvider.parse({
      id: 'test', issuer: issuer.url, audience: 'cx-router', algorithms: ['RS256', 'ES256'], clockToleranceSeconds: 0,
      claims: { tenant: 'tenant', role: 'roles', teams: 'groups', agentId: 'uid' }, roles: { 'cx-supervisor': 'supervisor', 'cx-agent': 'agent' },
    });
    verifier = new OidcVerifier([new OidcProviderClient(provider, { jwksCooldownMs: 200 })]);
  });
  afterAll(() => issuer.stop());

  it('accepts a token of the configured issuer and audience and maps its claims', async () => {
    const v = await verifier.verify(await issuer.sign(claims, { audience: 'cx-router' }));
    expect(v).toEqual({
      ok: true, subject: 'oidc:test:u-1', expiresAt: expect.any(Number),
      principal: { role: 'supervisor', tenant: 'acme', teams: ['support'], agentId: 'sup-1' },
    });
    expect(issuer.discoveryFetches).toBe(1);
  });

  it('refuses expired, wrong-audience, wrong-issuer and subject-less tokens', async () => {
    const now = Math.floor(Date.now() / 1000);
    expect(await verifier.verify(await issuer.sign(claims, { audience: 'cx-router', expiresIn: now - 5 })))
      .toMatchObject({ ok: false, reason: 'expired_token' });
    expect(await verifier.verify(await issuer.sign(claims, { audience: 'another-api' })))
      .toMatchObject({ ok: false, reason: 'invalid_token', message: expect.stringContaining('"aud"') });
    expect(await verifier.verify(await issuer.sign(claims, { audience: 'cx-router', issuer: 'https://evil.example' })))
      .toMatchObject({ ok: false, reason: 'unknown_issuer' });
    const { sub: _sub, ...noSub } = claims;
    expect(await verifier.verify(await issuer.sign(noSub, { audience: 'cx-router' }))).toMatchObject({ ok: false, reason: 'invalid_token' });
    expect(await verifier.verify('not.a.jwt')).toMatchObject({ ok: false, reason: 'invalid_token' });
  });

  it('refuses alg none, HS256 keyed with the public key, and a key the provider never published', async () => {
    const exp = Math.floor(Date.now() / 1000) + 300;
    const body = { ...claims, iss: issuer.url, aud: 'cx-router', exp };
    expect(await verifier.verify(unsignedToken(body))).toMatchObject({ ok: false, reason: 'invalid_token', message: 'algorithm none is not allowed' });
    const published = await (await fetch(`${issuer.url}/jwks`)).json() as { keys: Record<string, string>[] };
    const confusion = await hmacToken(body, new TextEncoder().encode(JSON.stringify(published.keys[0])), kid);
    expect(await verifier.verify(confusion)).toMatchObject({ ok: false, reason: 'invalid_token', message: 'algorithm HS256 is not allowed' });
    const forged = await issuer.forge(claims, { audience: 'cx-router', kid });
    expect(await verifier.verify(forged)).toMatchObject({ ok: false, reason: 'invalid_token' });
  });

  it('picks up a rotated key from the JWKS (an unknown kid refetches it, at most once per cooldown)', async () => {
    const next = await issuer.addKey('ES256', false);
    issuer.publish([next]);
    const fetches = issuer.jwksFetches;
    await new Promise((r) => setTimeout(r, 250)); // past the cooldown
    const v = await verifier.verify(await issuer.sign(claims, { audience: 'cx-router', kid: next }));
    expect(v).toMatchObject({ ok: true, principal: { role: 'supervisor' } });
    expect(issuer.jwksFetches).toBe(fetches + 1);
    // Unknown kids in a burst cost one fetch per cooldown, not one per token.
    const stranger = await issuer.addKey('RS256', false);
    const burst = await Promise.all(Array.from({ length: 20 }, async () => verifier.verify(await issuer.sign(claims, { audience: 'cx-router', kid: stranger }))));
    expect(burst.every((r) => !r.ok)).toBe(true);
    expect(issuer.jwksFetches).toBeLessThanOrEqual(fetches + 2);
  });

  it('maps a token whose role names nothing it knows to no_role (403), not to a guess', async () => {
    const v = await verifier.verify(await issuer.sign({ ...claims, roles: ['offline_access'] }, { audience: 'cx-router' }));
    expect(v).toMatchObject({ ok: false, reason: 'no_role' });
  });

  it('says provider_unavailable when the key set cannot be fetched', async () => {
    const down = new OidcVerifier([new OidcProviderClient(OidcProvider.parse({
      id: 'down', issuer: 'http://127.0.0.1:9/nothing', audience: 'x', tenant: 'acme', algorithms: ['RS256', 'ES256'],
    }))]);
    const token = await issuer.sign(claims, { audience: 'x', issuer: 'http://127.0.0.1:9/nothing' });
    expect(await down.verify(token)).toMatchObject({ ok: false, reason: 'provider_unavailable' });
  });
});
