import type { Escalation } from '@cx/contracts';
import { RoutingConfig } from './config';
import { ladderOutlook, withLadderOutlook } from './ladder-outlook';
import { acknowledge, mergeRequest } from './merge';
import { ladderNext } from './routing';
import { T0, agent, at, reason, request } from './test-fixtures';

const config = RoutingConfig.parse({ ladder: { agentSteps: 2 } });
const team = [agent('a1'), agent('a2', { load: 1 }), agent('s1', { role: 'supervisor' })];
const raised = (code: Parameters<typeof reason>[0] = 'negative_streak'): Escalation =>
  ladderNext(mergeRequest(undefined, request([reason(code, 'c1')]), config, T0).escalation, team, config, T0).escalation;

describe('ladderOutlook', () => {
  it('gives the deadline the ladder works to and that another agent comes next', () => {
    const e = raised();
    expect(e.severity).toBe('medium');
    expect(ladderOutlook(e, config, T0)).toEqual({ ackDueAt: at(15), next: 'agent' });
    // At that deadline ladderNext really moves it on (and not a millisecond before).
    expect(ladderNext(e, team, config, at(15), { stepStartedAt: T0 }).stepped).toBe(true);
    expect(ladderNext(e, team, config, new Date(Date.parse(at(15)) - 1), { stepStartedAt: T0 }).stepped).toBe(false);
  });
  it('says the supervisor comes after the last agent step, then the whole team', () => {
    const second = ladderNext(raised(), team, config, at(15), { stepStartedAt: T0 }).escalation;
    expect(ladderOutlook(second, config, at(15))).toEqual({ ackDueAt: at(30), next: 'supervisor' });
    const third = ladderNext(second, team, config, at(30), { stepStartedAt: at(15) }).escalation;
    expect(third.assignee).toEqual({ kind: 'supervisor', id: 's1' });
    expect(ladderOutlook(third, config, at(30))).toEqual({ ackDueAt: at(45), next: 'team' });
  });
  it('without a recorded step start, counts steps from the creation time like ladderNext', () => {
    const e = { ...raised(), ladderStep: 1 };
    expect(ladderOutlook(e, config)).toEqual({ ackDueAt: at(30), next: 'supervisor' });
  });
  it('has nothing once acknowledged or with the team, and withLadderOutlook drops a stale one', () => {
    const e = raised();
    const acked = acknowledge({ ...e, ladder: { ackDueAt: at(15), next: 'agent' } }, 'a1', at(1));
    expect(ladderOutlook(acked, config)).toBeUndefined();
    expect(withLadderOutlook(acked, config).ladder).toBeUndefined();
    expect(ladderOutlook({ ...e, assignee: { kind: 'team', id: 'support' } }, config)).toBeUndefined();
    expect(withLadderOutlook(e, config, T0).ladder).toEqual({ ackDueAt: at(15), next: 'agent' });
  });
});
