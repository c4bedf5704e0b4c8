import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@cx/config';
import { loadAuthSection } from './oidc-config';

function fileWith(auth: unknown): string {
  const path = join(mkdtempSync(join(tmpdir(), 'cx-auth-')), 'routing.json');
  writeFileSync(path, JSON.stringify({ defaults: {}, auth }));
  return path;
}
const good = { id: 'corp', issuer: 'https://login.example.com/realms/cx', audience: 'cx-router', tenant: 'acme' };

describe('the auth section of ROUTER_CONFIG_FILE', () => {
  it('has no providers when absent, and fills documented defaults', () => {
    expect(loadAuthSection(undefined).oidc.providers).toEqual([]);
    const [p] = loadAuthSection(fileWith({ oidc: { providers: [good] } })).oidc.providers;
    expect(p).toMatchObject({ algorithms: ['RS256'], clockToleranceSeconds: 30, claims: { role: 'role', agentId: 'sub' } });
  });

  it.each([
    [{ ...good, algorithms: ['HS256'] }, 'auth.oidc.providers.0.algorithms.0: HS256 is not allowed'],
    [{ ...good, algorithms: ['none'] }, 'auth.oidc.providers.0.algorithms.0: none is not allowed'],
    [{ ...good, issuer: 'http://login.example.com/realms/cx' }, 'auth.oidc.providers.0.issuer: must be an https URL'],
    [{ ...good, tenant: undefined }, 'auth.oidc.providers.0.tenant: set tenant (fixed) or claims.tenant'],
    [{ ...good, claims: { tenant: 'tid' } }, 'auth.oidc.providers.0.claims.tenant: set either tenant or claims.tenant'],
    [{ ...good, audience: [] }, 'auth.oidc.providers.0.audience'],
    [{ ...good, clientSecret: 'x' }, 'auth.oidc.providers.0: Unrecognized key: "clientSecret"'],
  ])('stops start-up naming the field: %j', (provider, message) => {
    expect(() => loadAuthSection(fileWith({ oidc: { providers: [provider] } }))).toThrow(ConfigError);
    expect(() => loadAuthSection(fileWith({ oidc: { providers: [provider] } }))).toThrow(message);
  });

  it('refuses two providers with the same id or issuer', () => {
    expect(() => loadAuthSection(fileWith({ oidc: { providers: [good, { ...good, id: 'other' }] } }))).toThrow('auth.oidc.providers.1.issuer: same as providers[0]');
  });
});
