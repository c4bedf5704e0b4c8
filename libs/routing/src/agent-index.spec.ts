import type { Escalation } from '@cx/contracts';
import { AgentIndex } from './agent-index';
import { RoutingConfig } from './config';
import { mergeRequest } from './merge';
import { ladderNext, notificationsFor, pickAgent, pickTarget, teamSupervisors, type AgentWithLoad } from './routing';
import { T0, agent, reason, request } from './test-fixtures';

const config = RoutingConfig.parse({});

function esc(over: Partial<Escalation> = {}): Escalation {
  const e = mergeRequest(undefined, request([reason('negative_emotion', 'm1')]), config, T0).escalation;
  return { ...e, ...over, target: { ...e.target, ...(over.target ?? {}) } };
}

/** A small deterministic PRNG, so a failure can be replayed. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

const TEAMS = ['support', 'billing', 'care-de'];
const LANGS = ['en', 'de', 'de-AT', 'fr'];
const SKILLS = ['billing', 'retention', 'technical'];

function directory(r: () => number, n: number): AgentWithLoad[] {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)];
  const some = <T>(xs: readonly T[]) => xs.filter(() => r() < 0.4);
  return Array.from({ length: n }, (_, i) => agent(`ag-${Math.floor(r() * 1000)}-${i}`, {
    teams: r() < 0.1 ? [] : [pick(TEAMS), ...some(TEAMS)],
    languages: some(LANGS).length ? some(LANGS) : [pick(LANGS)],
    skills: some(SKILLS),
    role: r() < 0.1 ? 'supervisor' : 'agent',
    status: pick(['available', 'available', 'available', 'busy', 'offline'] as const),
    maxConcurrent: 1 + Math.floor(r() * 4),
    load: Math.floor(r() * 5),
  }));
}

describe('AgentIndex', () => {
  it('picks exactly what the scan over the directory picks, also after load changes', () => {
    const r = rng(42);
    for (let round = 0; round < 40; round++) {
      const list = directory(r, 5 + Math.floor(r() * 80));
      const index = new AgentIndex(list);
      for (let i = 0; i < 60; i++) {
        const e = esc({
          target: { team: TEAMS[Math.floor(r() * TEAMS.length)], language: r() < 0.2 ? undefined : LANGS[Math.floor(r() * LANGS.length)],
            skills: SKILLS.filter(() => r() < 0.2) },
          severity: r() < 0.1 ? 'critical' : 'medium',
        });
        const exclude = list.filter(() => r() < 0.05).map((a) => a.agentId);
        expect(pickAgent(e, index, config, { exclude })?.agentId).toBe(pickAgent(e, list, config, { exclude })?.agentId);
        expect(pickTarget(e, index, config, { exclude })).toEqual(pickTarget(e, list, config, { exclude }));
        expect(teamSupervisors(e, index, config).map((a) => a.agentId)).toEqual(teamSupervisors(e, list, config).map((a) => a.agentId));
        const routed = ladderNext(e, index, config, T0);
        expect(routed).toEqual(ladderNext(e, list, config, T0));
        expect(notificationsFor({ ...e, assignee: { kind: 'team', id: e.target.team ?? 'support' } }, index, config))
          .toEqual(notificationsFor({ ...e, assignee: { kind: 'team', id: e.target.team ?? 'support' } }, list, config));
        // Move a load (as routing does) in both views.
        const who = list[Math.floor(r() * list.length)];
        const delta = r() < 0.7 ? 1 : -1;
        who.load += delta;
        index.adjust(who.agentId, delta);
        expect(index.get(who.agentId)!.load).toBe(who.load);
      }
    }
  });

  it('keeps its own copies and ignores unknown ids', () => {
    const list = [agent('a1', { load: 1 }), agent('a2', { load: 1 })];
    const index = new AgentIndex(list);
    index.adjust('a1', -1);
    index.adjust('nobody', 5);
    expect(list[0].load).toBe(1);
    expect(pickAgent(esc(), index, config)?.agentId).toBe('a1');
    index.adjust('a1', 2);
    expect(pickAgent(esc(), index, config)?.agentId).toBe('a2');
    index.adjust('a1', -2);
    expect(pickAgent(esc(), index, config)?.agentId).toBe('a1');
  });
});
