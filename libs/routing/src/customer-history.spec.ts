import { RoutingConfig } from './config';
import { applyHistory, contextFromHistory, historyLimit, recordRequest, withHistory, type CustomerHistory } from './customer-history';
import { mergeRequest } from './merge';
import { T0, at, reason, request } from './test-fixtures';

const config = RoutingConfig.parse({ context: { recentInteractions: 3, historyTtl: 'P1D' } });

function record(h: CustomerHistory, req: ReturnType<typeof request>, time = req.time): CustomerHistory {
  return applyHistory(h, recordRequest(h, req, config, time));
}

describe('customer history', () => {
  it('keeps one interaction per conversation, newest first, with masked summaries and flags', () => {
    let h: CustomerHistory = {};
    h = record(h, request([reason('negative_emotion', 'c1', { detail: 'write me at jane@example.com' })], { conversationId: 'chat-1' }), at(0));
    h = record(h, request([reason('customer_at_risk', 'c2')], { conversationId: 'mail-1', channel: 'email', intents: ['refund'] }), at(5));
    h = record(h, request([reason('sla_warning', 'c3')], { conversationId: 'chat-1' }), at(10));
    const ctx = contextFromHistory(h, config);
    expect(ctx.recentInteractions.map((i) => [i.conversationId, i.at, i.negative])).toEqual([
      ['chat-1', at(10), true], ['mail-1', at(5), true],
    ]);
    expect(JSON.stringify(h)).not.toContain('jane@example.com');
    expect(ctx.flags).toEqual(['at_risk', 'complaint:refund']);
  });

  it('does not let a late (older) request replace a newer summary', () => {
    let h = record({}, request([reason('sla_breached', 'new', { detail: 'newest' })]), at(10));
    h = record(h, request([reason('negative_emotion', 'old', { detail: 'older' })]), at(1));
    expect(contextFromHistory(h, config).recentInteractions[0]).toMatchObject({ at: at(10), summary: 'sla breached: newest' });
  });

  it('is bounded: old interactions beyond the limit, and flags and promises past the TTL, are deleted', () => {
    let h: CustomerHistory = record({}, request([reason('customer_at_risk', 'r')], { conversationId: 'conv-r' }), at(-1));
    for (let i = 0; i < historyLimit(config) + 3; i++) h = record(h, request([reason('negative_emotion', `c${i}`)], { conversationId: `conv-${i}` }), at(i));
    expect(Object.keys(h).filter((f) => f.startsWith('i:'))).toHaveLength(historyLimit(config));
    expect(h['i:conv-r']).toBeUndefined();
    expect(h['f:at_risk']).toBe(at(-1));
    const later = recordRequest(h, request([reason('sla_warning', 'x')], { conversationId: 'conv-z' }), config, at(60 * 25));
    expect(later.del).toContain('f:at_risk');
  });

  it('takes the SLA monitor\'s promise list as the truth for its conversation', () => {
    const p = (id: string) => ({ promiseId: id, kind: 'callback', dueAt: at(60) });
    let h = record({}, request([reason('sla_warning', 'a')], { detector: 'sla-monitor', context: { openPromises: [p('p1'), p('p2')] } }));
    h = record(h, request([reason('sla_warning', 'b')], { detector: 'sla-monitor', context: { openPromises: [p('p2')] } }));
    expect(contextFromHistory(h, config).openPromises.map((x) => x.promiseId)).toEqual(['p2']);
  });

  it('puts the history of other conversations on a new escalation', () => {
    let h = record({}, request([reason('customer_at_risk', 'a')], { conversationId: 'chat-9', context: { openPromises: [{ promiseId: 'p1', kind: 'reply', dueAt: at(30) }] } }), at(0));
    const req = request([reason('negative_emotion', 'b')], { conversationId: 'conv-1', channel: 'email' });
    h = record(h, req, T0);
    const e = mergeRequest(undefined, withHistory(req, h, config), config, T0).escalation;
    expect(e.context.recentInteractions.map((i) => i.conversationId)).toEqual(['chat-9', 'conv-1']);
    expect(e.context.flags).toContain('at_risk');
    expect(e.context.openPromises.map((x) => x.promiseId)).toEqual(['p1']);
    expect(e.suggestedActions.join(' ')).toMatch(/promise/i);
  });
});
