import { join } from 'node:path';
import { ackTimeoutMs, resolveTeam } from '@cx/routing';
import { TenantRoutingConfig } from './routing-config.provider';

const EXAMPLE = join(__dirname, '..', '..', '..', '..', 'deploy', 'router', 'routing.example.yaml');

describe('deploy/router/routing.example.yaml', () => {
  const config = TenantRoutingConfig.load(EXAMPLE);

  it('loads with the router loader, defaults for unknown tenants and overrides per tenant', () => {
    const d = config.forTenant('default');
    expect(d.teams.default).toBe('support');
    expect(ackTimeoutMs(d, 'critical')).toBe(120_000);
    expect(d.skillsByIntent.unclear_bill).toEqual(['billing']);
    expect(resolveTeam(d, { channel: 'call', language: 'en' })).toBe('voice');
    expect(resolveTeam(d, { channel: 'chat', language: 'de-AT' })).toBe('care-de');
    expect(resolveTeam(d, { channel: 'email', language: 'en-GB' })).toBe('care-en');
    expect(resolveTeam(d, { channel: 'chat', language: 'de', tier: 'vip' })).toBe('retention');
    expect(resolveTeam(d, { channel: 'chat', language: 'fr' })).toBe('support');
    const acme = config.forTenant('acme');
    expect(ackTimeoutMs(acme, 'critical')).toBe(60_000);
    expect(ackTimeoutMs(acme, 'medium')).toBe(15 * 60_000);
    expect(resolveTeam(acme, { channel: 'email', language: 'de' })).toBe('billing');
    expect(acme.skillsByIntent.outage).toEqual(['technical']);
  });

  it('ships no webhook URL (they are secrets; the examples stay commented out)', () => {
    for (const tenant of ['default', 'acme']) {
      for (const s of Object.values(config.forTenant(tenant).teams.settings)) expect(s.webhookUrl).toBeUndefined();
    }
  });
});
