import { RoutingConfig } from './config';
import { csvCell, historyCsv, historyItem, HISTORY_CSV_COLUMNS, mergeHistoryIds } from './history';
import { acknowledge, mergeRequest, resolve } from './merge';
import { T0, at, reason, request } from './test-fixtures';

const config = RoutingConfig.parse({});
const raised = mergeRequest(undefined, request([reason('negative_emotion', 'c1'), reason('complaint_intent', 'c2')], { intents: ['unclear_bill'] }), config, T0).escalation;

describe('history', () => {
  it('computes time to acknowledge and to resolve from the escalation\'s own times', () => {
    const done = resolve(acknowledge(raised, 'a1', at(2)), 'sup-1', at(9));
    expect(historyItem(done)).toMatchObject({ resolvedAt: at(9), timeToAcknowledgeMs: 120_000, timeToResolveMs: 540_000 });
    expect(historyItem(resolve(raised, 's', at(3))).timeToAcknowledgeMs).toBeNull();
  });

  it('exports CSV with a header, quoting and no runnable formulas', () => {
    const done = historyItem(resolve(acknowledge({ ...raised, conversationId: '=HYPERLINK("x")', context: { ...raised.context, customerId: 'c,1' } }, 'a1', at(1)), 'sup-1', at(4)));
    const [head, row, end] = historyCsv([done]).split('\r\n');
    expect(head).toBe(HISTORY_CSV_COLUMNS.join(','));
    expect(end).toBe('');
    expect(row).toContain(`"'=HYPERLINK(""x"")"`);
    expect(row).toContain('"c,1"');
    expect(row).toContain('negative_emotion;complaint_intent,unclear_bill');
    expect(row.split(',').length).toBeGreaterThanOrEqual(HISTORY_CSV_COLUMNS.length);
    expect(row).toContain(',60,sup-1,240,');
    expect(csvCell(-5)).toBe('-5');
    expect(csvCell('-5')).toBe("'-5");
  });

  it('merges index lists newest first without duplicates', () => {
    expect(mergeHistoryIds([[['a', 3], ['b', 1]], [['c', 2], ['a', 3]]])).toEqual([['a', 3], ['c', 2], ['b', 1]]);
  });
});
