import { RoutingConfig } from './config';
import { computeSeverity, maxSeverity } from './severity';

const config = RoutingConfig.parse({});
const r = (code: any, metric?: string) => ({ code, ...(metric ? { sla: { policyId: 'p', metric, dueAt: '2026-01-01T00:00:00Z', threshold: 1 } } : {}) });

describe('computeSeverity', () => {
  it('takes the highest reason severity', () => {
    expect(computeSeverity({ reasons: [r('negative_emotion')], intents: [] }, config)).toBe('low');
    expect(computeSeverity({ reasons: [r('negative_emotion'), r('negative_streak')], intents: [] }, config)).toBe('medium');
    expect(computeSeverity({ reasons: [r('sla_breached', 'firstResponse')], intents: [] }, config)).toBe('high');
    expect(computeSeverity({ reasons: [r('customer_at_risk')], intents: [] }, config)).toBe('high');
  });

  it('raises severity for complaint intents; cancellation and legal threats are critical', () => {
    expect(computeSeverity({ reasons: [r('negative_emotion')], intents: ['unclear_bill'] }, config)).toBe('medium');
    expect(computeSeverity({ reasons: [r('negative_emotion')], intents: ['outage'] }, config)).toBe('high');
    expect(computeSeverity({ reasons: [r('negative_emotion')], intents: ['cancellation_threat'] }, config)).toBe('critical');
    expect(computeSeverity({ reasons: [r('complaint_intent')], intents: ['legal_threat'] }, config)).toBe('critical');
  });

  it('makes an SLA breach on a VIP critical and boosts VIPs one level', () => {
    expect(computeSeverity({ reasons: [r('sla_breached', 'resolution')], intents: [], tier: 'vip' }, config)).toBe('critical');
    expect(computeSeverity({ reasons: [r('negative_emotion')], intents: [], tier: 'vip' }, config)).toBe('medium');
    expect(computeSeverity({ reasons: [r('negative_emotion')], intents: [], tier: 'standard' }, config)).toBe('low');
  });

  it('boosts an urgent conversation one level, on top of the tier boost, and matches rules on priority', () => {
    expect(computeSeverity({ reasons: [r('sla_warning', 'firstResponse')], intents: [], priority: 'urgent' }, config)).toBe('high');
    expect(computeSeverity({ reasons: [r('sla_warning', 'firstResponse')], intents: [], priority: 'high' }, config)).toBe('medium');
    expect(computeSeverity({ reasons: [r('negative_emotion')], intents: [], tier: 'vip', priority: 'urgent' }, config)).toBe('high');
    const c = RoutingConfig.parse({ severity: { priorityBoost: {}, rules: [{ when: { priorities: ['high', 'urgent'], reasons: ['negative_emotion'] }, severity: 'high' }] } });
    expect(computeSeverity({ reasons: [r('negative_emotion')], intents: [], priority: 'high' }, c)).toBe('high');
    expect(computeSeverity({ reasons: [r('negative_emotion')], intents: [], priority: 'low' }, c)).toBe('low');
    expect(computeSeverity({ reasons: [r('negative_emotion')], intents: [] }, c)).toBe('low');
    expect(() => RoutingConfig.parse({ severity: { priorityBoost: { asap: 1 } } })).toThrow();
  });

  it('treats a promise at risk as high', () => {
    expect(computeSeverity({ reasons: [r('sla_warning', 'promise')], intents: [] }, config)).toBe('high');
    expect(computeSeverity({ reasons: [r('sla_warning', 'firstResponse')], intents: [] }, config)).toBe('medium');
  });

  it('applies tenant rules with all conditions', () => {
    const c = RoutingConfig.parse({
      severity: { tierBoost: {}, rules: [{ when: { channels: ['call'], reasons: ['negative_streak'] }, severity: 'high' }] },
    });
    expect(computeSeverity({ reasons: [r('negative_streak')], intents: [], channel: 'call' }, c)).toBe('high');
    expect(computeSeverity({ reasons: [r('negative_streak')], intents: [], channel: 'chat' }, c)).toBe('medium');
    expect(computeSeverity({ reasons: [r('sla_breached', 'resolution')], intents: [], tier: 'vip' }, c)).toBe('high');
  });

  it('maxSeverity', () => {
    expect(maxSeverity('low', 'critical', 'medium')).toBe('critical');
    expect(maxSeverity()).toBe('low');
  });
});
