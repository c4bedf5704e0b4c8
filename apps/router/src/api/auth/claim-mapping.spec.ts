import { claimAt, mapClaims } from './claim-mapping';
import { OidcProvider } from './oidc-config';

const provider = (over: Record<string, unknown> = {}) => OidcProvider.parse({ id: 'p', issuer: 'https://idp.example/realms/cx', audience: 'cx-router', tenant: 'acme', ...over });

describe('claim mapping', () => {
  it('reads exact (URI-named) claims first, then dotted paths', () => {
    const claims = { 'https://cx.example/tenant': 'acme', realm_access: { roles: ['a'] }, 'a.b': 1, a: { b: 2 } };
    expect(claimAt(claims, 'https://cx.example/tenant')).toBe('acme');
    expect(claimAt(claims, 'realm_access.roles')).toEqual(['a']);
    expect(claimAt(claims, 'a.b')).toBe(1);
    expect(claimAt(claims, 'realm_access.missing.deeper')).toBeUndefined();
    expect(claimAt(claims, 'toString')).toBeUndefined();
  });

  it('maps role (highest wins), tenant, teams and agent id as configured', () => {
    const p = provider({
      claims: { role: 'realm_access.roles', teams: 'groups', agentId: 'preferred_username' },
      roles: { 'cx-agent': 'agent', 'cx-supervisor': 'supervisor' },
    });
    const m = mapClaims(p, { sub: 's', preferred_username: 'sup1', groups: ['support', 'billing', 'support'], realm_access: { roles: ['offline_access', 'cx-agent', 'cx-supervisor'] } });
    expect(m).toEqual({ ok: true, principal: { role: 'supervisor', tenant: 'acme', teams: ['support', 'billing'], agentId: 'sup1' } });
  });

  it('takes the tenant from a claim when the provider serves several tenants', () => {
    const p = provider({ tenant: undefined, claims: { tenant: 'tid' } });
    expect(mapClaims(p, { sub: 's', role: 'admin', tid: 'globex' })).toMatchObject({ ok: true, principal: { tenant: 'globex', role: 'admin' } });
    expect(mapClaims(p, { sub: 's', role: 'admin' })).toEqual({ ok: false, reason: 'the token\'s tid claim names no tenant' });
    expect(mapClaims(p, { sub: 's', role: 'admin', tid: 'bad tenant!' }).ok).toBe(false);
  });

  it('refuses a token without a known role unless a default role is configured, and an agent without id', () => {
    expect(mapClaims(provider(), { sub: 's', role: 'root' })).toMatchObject({ ok: false, reason: expect.stringMatching(/names no role/) });
    expect(mapClaims(provider({ defaultRole: 'agent' }), { sub: 's1' })).toMatchObject({ ok: true, principal: { role: 'agent', agentId: 's1' } });
    expect(mapClaims(provider({ claims: { agentId: 'uid' } }), { sub: 's', role: 'agent' })).toMatchObject({ ok: false, reason: expect.stringMatching(/agent token needs/) });
    // Without a roles table only the router's own role names count, so "Admin" from some IdP is nobody.
    expect(mapClaims(provider(), { sub: 's', role: ['Admin', 'agent'] })).toMatchObject({ ok: true, principal: { role: 'agent' } });
  });
});
