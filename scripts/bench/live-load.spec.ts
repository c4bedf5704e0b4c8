import { newestReason } from './live-load';

describe('newestReason (latency by path in the bench report)', () => {
  it('takes the newest timed reason and names the path its code came by', () => {
    expect(newestReason([
      { at: '2026-03-02T10:00:00.000Z', code: 'negative_emotion' },
      { at: '2026-03-02T10:00:02.500Z', code: 'customer_at_risk' },
      { at: '2026-03-02T10:00:01.000Z', code: 'sla_breached' },
    ])).toEqual({ at: Date.parse('2026-03-02T10:00:02.500Z'), path: 'customer' });
    expect(newestReason([{ at: '2026-03-02T10:00:00.000Z', code: 'sla_warning' }])?.path).toBe('sla');
    expect(newestReason([{ at: '2026-03-02T10:00:00.000Z', code: 'complaint_intent' }])?.path).toBe('message');
    expect(newestReason([{ at: '2026-03-02T10:00:00.000Z', code: 'something_new' }])?.path).toBe('other');
  });

  it('gives nothing for an escalation without a timed reason', () => {
    expect(newestReason([])).toBeUndefined();
    expect(newestReason([{ at: 'not a time', code: 'negative_emotion' }])).toBeUndefined();
  });
});
