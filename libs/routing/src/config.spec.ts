import { ZodError } from 'zod';
import { DEFAULT_ROUTING_CONFIG, RoutingConfig, ackTimeoutMs, configForTenant, durationMs, parseRoutingConfigFile } from './config';

describe('RoutingConfig', () => {
  it('is complete with defaults', () => {
    const c = RoutingConfig.parse({});
    expect(c.ackTimeouts).toEqual({ critical: 'PT2M', high: 'PT5M', medium: 'PT15M', low: 'PT60M' });
    expect(c.severity.reasons.sla_breached).toBe('high');
    expect(c.severity.intents.cancellation_threat).toBe('critical');
    expect(c.severity.intents.legal_threat).toBe('critical');
    expect(c.severity.tierBoost).toEqual({ vip: 1 });
    expect(c.coolDown).toBe('PT10M');
    expect(c.context.recentInteractions).toBe(5);
    expect(c.teams.default).toBe('support');
    expect(c.ladder.agentSteps).toBe(2);
    expect(ackTimeoutMs(c, 'critical')).toBe(120_000);
    expect(ackTimeoutMs(c, 'low')).toBe(3_600_000);
  });

  it('keeps defaults for fields a tenant leaves out of a section', () => {
    const c = RoutingConfig.parse({ severity: { reasons: { negative_emotion: 'medium' } }, ackTimeouts: { critical: 'PT1M' } });
    expect(c.severity.reasons.negative_emotion).toBe('medium');
    expect(c.severity.reasons.sla_breached).toBe('high');
    expect(c.severity.intents.outage).toBe('high');
    expect(c.ackTimeouts.high).toBe('PT5M');
    expect(durationMs(c.ackTimeouts.critical)).toBe(60_000);
  });

  it('rejects bad durations, severities and webhook URLs with the path', () => {
    for (const bad of [{ coolDown: '10 minutes' }, { severity: { reasons: { sla_breached: 'urgent' } } },
      { teams: { settings: { care: { webhookUrl: 'not a url' } } } }]) {
      const r = RoutingConfig.safeParse(bad);
      expect(r.success).toBe(false);
    }
    const r = RoutingConfig.safeParse({ ackTimeouts: { high: 'soon' } });
    expect(r.success || r.error.issues[0].path).toEqual(['ackTimeouts', 'high']);
  });

  it('merges tenant overrides over file defaults', () => {
    const file = parseRoutingConfigFile({
      defaults: { coolDown: 'PT5M', teams: { default: 'care' } },
      tenants: { acme: { teams: { rules: [{ match: { channels: ['email'] }, team: 'backoffice' }] } } },
    });
    const acme = configForTenant(file, 'acme');
    expect(acme.coolDown).toBe('PT5M');
    expect(acme.teams.default).toBe('care');
    expect(acme.teams.rules).toHaveLength(1);
    expect(configForTenant(file, 'other')).toBe(file.defaults);
    expect(file.defaults.teams.rules).toHaveLength(0);
  });

  it('names the tenant in the path of a bad field', () => {
    try {
      parseRoutingConfigFile({ tenants: { acme: { ackTimeouts: { low: 'x' } } } });
      throw new Error('should have thrown');
    } catch (e) {
      expect(e).toBeInstanceOf(ZodError);
      expect((e as ZodError).issues[0].path).toEqual(['tenants', 'acme', 'ackTimeouts', 'low']);
    }
  });

  it('exports the parsed defaults', () => {
    expect(DEFAULT_ROUTING_CONFIG).toEqual(RoutingConfig.parse({}));
  });
});
