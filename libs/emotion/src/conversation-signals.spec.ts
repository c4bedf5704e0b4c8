import {
  CustomerRiskConfigSchema, applyConversationStatus, applyCustomerContribution, applyCustomerMessage,
  customerRiskTtlSeconds, decayedScore, initialConversationEmotionState,
} from './conversation-signals';

const ev = [{ cue: 'negative_word', kind: 'lexicon', text: 'terrible' }];

describe('conversation signals', () => {
  it('counts the negative streak of customer messages', () => {
    let s = initialConversationEmotionState();
    let r = applyCustomerMessage(s, { negative: true, at: '2026-01-01T10:00:00Z', evidence: ev });
    expect(r.streak).toBe(1);
    r = applyCustomerMessage(r.state, { negative: true, at: '2026-01-01T10:01:00Z' });
    expect(r.streak).toBe(2);
    r = applyCustomerMessage(r.state, { negative: false, at: '2026-01-01T10:02:00Z' });
    expect(r.streak).toBe(0);
    s = r.state;
    expect(JSON.parse(JSON.stringify(s))).toEqual(s);
  });

  it('fires ended_negative once when the conversation closes on an upset customer', () => {
    let s = applyCustomerMessage(null, { negative: true, at: '2026-01-01T10:00:00Z', evidence: ev }).state;
    const r = applyConversationStatus(s, 'resolved');
    expect(r.endedNegative).toEqual({ status: 'resolved', negativeTail: 1, lastNegativeAt: '2026-01-01T10:00:00Z', evidence: ev });
    // closed after resolved: no second signal
    expect(applyConversationStatus(r.state, 'closed').endedNegative).toBeUndefined();
    // reopen by a customer message re-arms
    s = applyCustomerMessage(r.state, { negative: true, at: '2026-01-02T10:00:00Z', evidence: ev }).state;
    expect(applyConversationStatus(s, 'closed').endedNegative?.status).toBe('closed');
  });

  it('uses the tail rule: last negative, or 2 of the last 3', () => {
    let s = applyCustomerMessage(null, { negative: true, at: '2026-01-01T10:00:00Z' }).state;
    s = applyCustomerMessage(s, { negative: true, at: '2026-01-01T10:01:00Z' }).state;
    s = applyCustomerMessage(s, { negative: false, at: '2026-01-01T10:02:00Z' }).state; // "ok."
    expect(applyConversationStatus(s, 'closed').endedNegative?.negativeTail).toBe(2);

    let calm = applyCustomerMessage(null, { negative: true, at: '2026-01-01T10:00:00Z' }).state;
    calm = applyCustomerMessage(calm, { negative: false, at: '2026-01-01T10:01:00Z' }).state;
    calm = applyCustomerMessage(calm, { negative: false, at: '2026-01-01T10:02:00Z' }).state;
    expect(applyConversationStatus(calm, 'resolved').endedNegative).toBeUndefined();
    expect(applyConversationStatus(null, 'closed').endedNegative).toBeUndefined();
  });
});

describe('customer risk score', () => {
  const cfg = CustomerRiskConfigSchema.parse({ halfLifeHours: 24, threshold: 2.5 });

  it('decays exponentially by event time', () => {
    const s = applyCustomerContribution(null, { at: '2026-01-01T00:00:00Z', negative: true }, cfg).state;
    expect(decayedScore(s, '2026-01-02T00:00:00Z', cfg)).toBeCloseTo(0.5, 6);
    expect(decayedScore(s, '2025-12-31T00:00:00Z', cfg)).toBe(1); // never backwards
  });

  it('fires customer_at_risk once across channels and re-arms only after decaying well below', () => {
    let r = applyCustomerContribution(null, { at: '2026-01-01T10:00:00Z', channel: 'chat', negative: true }, cfg);
    expect(r.atRisk).toBeUndefined();
    r = applyCustomerContribution(r.state, { at: '2026-01-01T11:00:00Z', channel: 'email', negative: true, intents: ['refund'] }, cfg);
    expect(r.atRisk).toBeUndefined();
    r = applyCustomerContribution(r.state, { at: '2026-01-01T12:00:00Z', channel: 'call', negative: true }, cfg);
    expect(r.atRisk).toBeDefined();
    expect(r.atRisk!.channels).toEqual(['chat', 'email', 'call']);
    expect(r.atRisk!.score).toBeGreaterThanOrEqual(2.5);
    // more negatives while above: no repeat
    r = applyCustomerContribution(r.state, { at: '2026-01-01T13:00:00Z', channel: 'chat', negative: true }, cfg);
    expect(r.atRisk).toBeUndefined();
    // a dip just below the threshold does not re-arm
    r = applyCustomerContribution(r.state, { at: '2026-01-02T06:00:00Z', channel: 'chat', negative: true }, cfg);
    expect(r.atRisk).toBeUndefined();
    // after several half-lives it re-arms and can fire again
    r = applyCustomerContribution(r.state, { at: '2026-01-06T00:00:00Z', channel: 'chat', negative: false }, cfg);
    expect(r.state.armed).toBe(true);
    for (const h of ['01', '02', '03']) {
      r = applyCustomerContribution(r.state, { at: `2026-01-06T${h}:00:00Z`, channel: 'email', negative: true }, cfg);
    }
    expect(r.atRisk).toBeDefined();
    expect(JSON.parse(JSON.stringify(r.state))).toEqual(r.state);
    expect(customerRiskTtlSeconds(r.state, cfg)).toBeGreaterThan(24 * 3600);
  });

  it('decays late events to the state time instead of moving time back', () => {
    let r = applyCustomerContribution(null, { at: '2026-01-02T00:00:00Z', negative: true }, cfg);
    r = applyCustomerContribution(r.state, { at: '2026-01-01T00:00:00Z', negative: true }, cfg);
    expect(r.state.at).toBe('2026-01-02T00:00:00Z');
    expect(r.state.score).toBeCloseTo(1.5, 6);
  });
});
