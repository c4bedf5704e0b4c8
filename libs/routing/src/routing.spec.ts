import type { Escalation } from '@cx/contracts';
import { RoutingConfig } from './config';
import { mergeRequest, acknowledge } from './merge';
import { ladderNext, notificationsFor, pickTarget } from './routing';
import { T0, agent, at, reason, request } from './test-fixtures';

const config = RoutingConfig.parse({
  teams: { settings: { support: { webhookUrl: 'https://hooks.example.test/T000/B000/secret', webhookMinSeverity: 'medium' } } },
});

function esc(over: Partial<Escalation> = {}): Escalation {
  const e = mergeRequest(undefined, request([reason('negative_emotion', 'm1')]), config, T0).escalation;
  return { ...e, ...over, target: { ...e.target, ...(over.target ?? {}) } };
}

const team = [
  agent('a1', { load: 2 }),
  agent('a2', { load: 1 }),
  agent('a3', { load: 0, status: 'busy' }),
  agent('a4', { load: 3, maxConcurrent: 3 }),
  agent('a5', { load: 0, teams: ['billing'] }),
  agent('a6', { load: 1, languages: ['fr'] }),
  agent('s1', { role: 'supervisor', load: 4 }),
  agent('s2', { role: 'supervisor', load: 1, status: 'busy' }),
  agent('s3', { role: 'supervisor', load: 0, status: 'offline' }),
];

describe('pickTarget', () => {
  it('picks the least-loaded available agent of the team with spare capacity', () => {
    expect(pickTarget(esc(), team, config)).toEqual({ kind: 'agent', id: 'a2' });
  });

  it('matches the language (primary subtag) and the skills', () => {
    expect(pickTarget(esc({ target: { language: 'fr-CA', skills: [] } }), team, config)).toEqual({ kind: 'agent', id: 'a6' });
    const skilled = [...team, agent('a7', { load: 2, skills: ['billing', 'retention'] })];
    expect(pickTarget(esc({ target: { skills: ['billing'] } }), skilled, config)).toEqual({ kind: 'agent', id: 'a7' });
  });

  it('falls back to the team supervisor (available before busy, never offline)', () => {
    expect(pickTarget(esc({ target: { skills: ['legal'] } }), team, config)).toEqual({ kind: 'supervisor', id: 's1' });
    const noneAvailable = team.filter((a) => a.agentId !== 's1');
    expect(pickTarget(esc({ target: { skills: ['legal'] } }), noneAvailable, config)).toEqual({ kind: 'supervisor', id: 's2' });
  });

  it('sends critical escalations to a supervisor, always', () => {
    expect(pickTarget(esc({ severity: 'critical' }), team, config)).toEqual({ kind: 'supervisor', id: 's1' });
  });

  it('falls back to the team when nobody is reachable', () => {
    expect(pickTarget(esc({ severity: 'critical' }), [agent('a1')], config)).toEqual({ kind: 'team', id: 'support' });
  });

  it('honours exclusions and is deterministic on ties', () => {
    const tied = [agent('b'), agent('a')];
    expect(pickTarget(esc(), tied, config)).toEqual({ kind: 'agent', id: 'a' });
    expect(pickTarget(esc(), tied, config, { exclude: ['a'] })).toEqual({ kind: 'agent', id: 'b' });
  });
});

describe('notificationsFor', () => {
  it('notifies the assignee, and the team webhook from its minimum severity', () => {
    expect(notificationsFor(esc({ assignee: { kind: 'agent', id: 'a2' } }), team, config))
      .toEqual([{ channel: 'sse', recipient: 'a2', step: 0 }]);
    expect(notificationsFor(esc({ severity: 'high', assignee: { kind: 'agent', id: 'a2' } }), team, config)).toEqual([
      { channel: 'sse', recipient: 'a2', step: 0 },
      { channel: 'webhook', recipient: 'webhook:support', step: 0, url: 'https://hooks.example.test/T000/B000/secret' },
    ]);
  });

  it('notifies every reachable supervisor of the team for a team assignee', () => {
    const n = notificationsFor(esc({ assignee: { kind: 'team', id: 'support' }, ladderStep: 3 }), team, config);
    expect(n).toEqual([{ channel: 'sse', recipient: 's1', step: 3 }, { channel: 'sse', recipient: 's2', step: 3 }]);
    const offline = [agent('s9', { role: 'supervisor', status: 'offline' })];
    expect(notificationsFor(esc({ assignee: { kind: 'team', id: 'support' } }), offline, config).map((x) => x.recipient)).toEqual(['s9']);
  });
});

describe('ladderNext', () => {
  it('routes a new escalation (step 0) and schedules the check after the ack timeout', () => {
    const r = ladderNext(esc(), team, config, T0);
    expect(r.stepped).toBe(true);
    expect(r.escalation.assignee).toEqual({ kind: 'agent', id: 'a2' });
    expect(r.escalation.ladderStep).toBe(0);
    expect(r.notifications).toEqual([{ channel: 'sse', recipient: 'a2', step: 0 }]);
    expect(r.nextCheckAt).toBe(at(60)); // low: PT60M
  });

  it('waits until the timeout of the severity', () => {
    const routed = ladderNext(esc({ severity: 'medium' }), team, config, T0).escalation;
    const early = ladderNext(routed, team, config, at(14));
    expect(early.stepped).toBe(false);
    expect(early.escalation).toBe(routed);
    expect(early.nextCheckAt).toBe(at(15));
  });

  it('climbs agent → next agent → supervisor → all supervisors, then stops', () => {
    let e = ladderNext(esc({ severity: 'medium' }), team, config, T0).escalation;
    expect(e.assignee).toEqual({ kind: 'agent', id: 'a2' });

    let r = ladderNext(e, team, config, at(15));
    expect(r.stepped).toBe(true);
    e = r.escalation;
    expect(e).toMatchObject({ ladderStep: 1, assignee: { kind: 'agent', id: 'a6' }, updatedAt: at(15) });
    expect(r.notifications).toEqual([
      { channel: 'sse', recipient: 'a6', step: 1 }, // no language asked: a6 (load 1) before a1 (load 2)
      { channel: 'webhook', recipient: 'webhook:support', step: 1, url: 'https://hooks.example.test/T000/B000/secret' },
    ]);
    expect(r.nextCheckAt).toBe(at(30));

    r = ladderNext(e, team, config, at(30));
    e = r.escalation;
    expect(e).toMatchObject({ ladderStep: 2, assignee: { kind: 'supervisor', id: 's1' } });

    r = ladderNext(e, team, config, at(45));
    e = r.escalation;
    expect(e).toMatchObject({ ladderStep: 3, assignee: { kind: 'team', id: 'support' } });
    expect(r.notifications.filter((n) => n.channel === 'sse').map((n) => n.recipient)).toEqual(['s1', 's2']);
    expect(r.nextCheckAt).toBeNull();

    const end = ladderNext(e, team, config, at(600));
    expect(end.stepped).toBe(false);
    expect(end.nextCheckAt).toBeNull();
  });

  it('uses the recorded step start when the router passes it', () => {
    const e = { ...ladderNext(esc({ severity: 'high' }), team, config, T0).escalation, ladderStep: 1 };
    expect(ladderNext(e, team, config, at(7), { stepStartedAt: at(4) }).stepped).toBe(false);
    expect(ladderNext(e, team, config, at(9), { stepStartedAt: at(4) }).stepped).toBe(true);
  });

  it('goes to a critical escalation supervisor-first and to all supervisors after its 2 minutes', () => {
    let r = ladderNext(esc({ severity: 'critical' }), team, config, T0);
    expect(r.escalation.assignee).toEqual({ kind: 'supervisor', id: 's1' });
    expect(r.nextCheckAt).toBe(at(2));
    r = ladderNext(r.escalation, team, config, at(2));
    expect(r.escalation.assignee).toEqual({ kind: 'team', id: 'support' });
  });

  it('moves a critical escalation held by an agent to a supervisor at once', () => {
    const e = { ...ladderNext(esc(), team, config, T0).escalation, severity: 'critical' as const };
    const r = ladderNext(e, team, config, at(0.5));
    expect(r.stepped).toBe(true);
    expect(r.escalation.assignee).toEqual({ kind: 'supervisor', id: 's1' });
  });

  it('goes straight to the supervisor when there is no other agent', () => {
    const small = [agent('a1'), agent('s1', { role: 'supervisor' })];
    const e = ladderNext(esc(), small, config, T0).escalation;
    expect(ladderNext(e, small, config, at(60)).escalation.assignee).toEqual({ kind: 'supervisor', id: 's1' });
  });

  it('does nothing once acknowledged or resolved', () => {
    const e = acknowledge(ladderNext(esc(), team, config, T0).escalation, 'a2', at(1));
    const r = ladderNext(e, team, config, at(120));
    expect(r).toEqual({ escalation: e, stepped: false, notifications: [], nextCheckAt: null });
  });
});
