import { attainmentDays, attainmentField, attainmentIncrements, parseAttainmentField } from './attainment-buckets';
import type { SlaCompletion, SlaState } from './sla-state';

const at = (iso: string) => Date.parse(iso);
const completion = (outcome: SlaCompletion['outcome'], atIso: string, over: Partial<SlaCompletion> = {}): SlaCompletion => ({
  outcome, tenantid: 'acme', conversationId: 'c1', clock: 'fr', metric: 'firstResponse', policyId: 'p', atMs: at(atIso), startedAtMs: at(atIso) - 1000, ...over,
});
const state = { a: { c: 'email', q: 'billing|eu', l: 'de-AT', t: 'vip', p: 'urgent' } } as unknown as SlaState;

describe('attainmentIncrements', () => {
  it('puts a clock in the quarter hour it ended in, with the attributes that pick a team', () => {
    const [m] = attainmentIncrements([completion('met', '2026-03-02T23:59:59.999Z')], state);
    expect(m).toEqual({ tenant: 'acme', by: 1, cell: {
      day: '2026-03-02', bucketMs: at('2026-03-02T23:45:00Z'), metric: 'firstResponse', outcome: 'met', channel: 'email', queue: 'billing|eu', language: 'de-AT', tier: 'vip',
    } });
  });

  it('counts a breach, takes a met back on reopen, and ignores a clock a policy change dropped', () => {
    const r = attainmentIncrements([
      completion('breached', '2026-03-03T00:00:00Z'), completion('reopened', '2026-03-03T00:14:59Z', { metric: 'resolution' }), completion('dropped', '2026-03-03T00:20:00Z'),
    ], undefined);
    expect(r.map((x) => [x.cell.day, x.cell.bucketMs, x.cell.metric, x.cell.outcome, x.by])).toEqual([
      ['2026-03-03', at('2026-03-03T00:00:00Z'), 'firstResponse', 'breached', 1],
      ['2026-03-03', at('2026-03-03T00:00:00Z'), 'resolution', 'met', -1],
    ]);
  });
});

describe('attainment fields and days', () => {
  it('round-trips a field, any queue name included, and rejects foreign ones', () => {
    const cell = { bucketMs: 900_000, metric: 'queueWait' as const, outcome: 'met' as const, queue: 'a"b|c', tier: 'gold' };
    expect(parseAttainmentField(attainmentField(cell), '1970-01-01')).toEqual({ day: '1970-01-01', ...cell });
    expect(parseAttainmentField('not json', 'd')).toBeUndefined();
    expect(parseAttainmentField(JSON.stringify([1, 'firstResponse', 'maybe', '', '', '', '']), 'd')).toBeUndefined();
  });

  it('lists the UTC days a window touches (a user day east of UTC spans two)', () => {
    expect(attainmentDays(at('2026-03-01T23:00:00Z'), at('2026-03-02T10:00:00Z'))).toEqual(['2026-03-01', '2026-03-02']);
    expect(attainmentDays(at('2026-03-02T00:00:00Z'), at('2026-03-02T23:59:59Z'))).toEqual(['2026-03-02']);
  });
});
