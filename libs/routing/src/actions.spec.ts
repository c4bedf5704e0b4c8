import type { Escalation } from '@cx/contracts';
import { ACTIONS, suggestActionIds, suggestActions } from './actions';
import { T0, reason } from './test-fixtures';

const base: Pick<Escalation, 'severity' | 'reasons' | 'intents' | 'channel' | 'context'> = {
  severity: 'medium', reasons: [], intents: [], channel: 'chat',
  context: { recentInteractions: [], flags: [], openPromises: [] },
};
const sla = (metric: string) => ({ policyId: 'p', metric, dueAt: T0, threshold: 1 });

describe('suggestActions', () => {
  it('apologises for negative emotion', () => {
    expect(suggestActionIds({ ...base, reasons: [reason('negative_emotion', 'm')] })).toEqual(['apologise']);
  });

  it('offers a call back for an e-mail complaint, not for chat', () => {
    const e = { ...base, channel: 'email' as const, reasons: [reason('complaint_intent', 'i')], intents: ['unclear_bill' as const] };
    expect(suggestActionIds(e)).toEqual(['apologise', 'callBack', 'explainBill']);
    expect(suggestActionIds({ ...e, channel: 'chat' })).not.toContain('callBack');
  });

  it('puts the supervisor take-over first when critical', () => {
    const ids = suggestActionIds({ ...base, severity: 'critical', reasons: [reason('negative_emotion', 'm')], intents: ['legal_threat'] });
    expect(ids[0]).toBe('supervisorTakeover');
    expect(ids).toContain('legal');
  });

  it('suggests a retention offer for a customer at risk or a cancellation threat', () => {
    expect(suggestActionIds({ ...base, reasons: [reason('customer_at_risk', 'r')] })).toContain('retention');
    expect(suggestActionIds({ ...base, intents: ['cancellation_threat'], reasons: [reason('complaint_intent', 'c')] }))
      .toEqual(expect.arrayContaining(['cancellation', 'retention']));
  });

  it('says to honour a promise at risk and to repair a broken one', () => {
    expect(suggestActionIds({ ...base, reasons: [reason('sla_warning', 'w', { sla: sla('promise') })] })).toEqual(['honourPromise']);
    expect(suggestActionIds({ ...base, reasons: [reason('sla_breached', 'b', { sla: sla('promise') })] })).toEqual(['apologise', 'brokenPromise']);
  });

  it('maps SLA metrics to concrete steps', () => {
    expect(suggestActionIds({ ...base, reasons: [reason('sla_warning', 'w', { sla: sla('firstResponse') })] })).toEqual(['respondNow']);
    expect(suggestActionIds({ ...base, reasons: [reason('sla_warning', 'w', { sla: sla('resolution') })] })).toEqual(['resolutionAtRisk']);
    expect(suggestActionIds({ ...base, channel: 'call', reasons: [reason('sla_breached', 'b', { sla: sla('queueWait') })] }))
      .toEqual(['apologise', 'queueCallBack']);
  });

  it('follows up on a conversation that ended negative and uses the context', () => {
    const ids = suggestActionIds({
      ...base, reasons: [reason('ended_negative', 'e'), reason('negative_streak', 's')],
      context: {
        recentInteractions: [{ conversationId: 'a', at: T0, summary: 'a' }, { conversationId: 'b', at: T0, summary: 'b' }],
        flags: [], openPromises: [{ promiseId: 'p', kind: 'callback', dueAt: T0 }],
      },
    });
    expect(ids).toEqual(['apologise', 'endedNegative', 'changeApproach', 'checkPromises', 'readContext']);
  });

  it('renders the texts without duplicates', () => {
    const texts = suggestActions({ ...base, reasons: [reason('negative_emotion', 'm'), reason('negative_emotion', 'n')] });
    expect(texts).toEqual([ACTIONS.apologise]);
  });
});
