import type { Escalation } from '@cx/contracts';
import { RoutingConfig } from './config';
import { acknowledge, mergeRequest, resolve } from './merge';
import { presenceByTeam, wallboard } from './wallboard';
import { T0, agent, at, reason, request } from './test-fixtures';

const config = RoutingConfig.parse({});
const sla = (code: 'sla_warning' | 'sla_breached', id: string, metric = 'firstResponse', when = T0) =>
  reason(code, id, { at: when, sla: { policyId: 'p', metric, dueAt: when, threshold: code === 'sla_breached' ? 1 : 0.8 } });
function esc(conv: string, reasons: ReturnType<typeof reason>[], over: Partial<Escalation> = {}): Escalation {
  const e = mergeRequest(undefined, { ...request(reasons), subject: conv, data: { ...request(reasons).data, conversationId: conv } }, config, T0).escalation;
  return { ...e, ...over };
}

describe('wallboard', () => {
  const open = [
    esc('c1', [sla('sla_breached', 'b1')], { target: { team: 'support', skills: [] } }),
    acknowledge(esc('c2', [reason('customer_at_risk', 'r1')], { context: { customerId: 'cust-9', recentInteractions: [], flags: [], openPromises: [] } }), 'a1', at(1)),
    esc('c3', [sla('sla_warning', 'w1')], { createdAt: at(-30) }),
    esc('c4', [reason('negative_emotion', 'n1')], { target: { team: 'billing', skills: [] } }),
  ];
  const resolved = [
    resolve(esc('c5', [sla('sla_warning', 'w2', 'resolution')]), 's', at(20)),
    resolve(esc('c6', [sla('sla_warning', 'w3'), sla('sla_breached', 'b3')]), 's', at(21)),
    resolve(esc('c7', [sla('sla_warning', 'old', 'firstResponse', at(-24 * 60))]), 's', at(-60)),
  ];
  const agents = [agent('a1', { load: 2 }), agent('a2', { status: 'busy', load: 1 }), agent('a3', { status: 'offline' }),
    agent('s1', { role: 'supervisor', load: 1 }), agent('b1', { teams: ['billing'], maxConcurrent: 4 })];
  const w = wallboard({ open, resolved, agents, since: T0 });

  it('counts open by severity, the unacknowledged, the oldest of them and customers at risk', () => {
    expect(w.totals.open).toEqual({ critical: 0, high: 2, medium: 1, low: 1 });
    expect(w.totals.unacknowledged).toBe(3);
    expect(w.totals.oldestUnacknowledged).toMatchObject({ conversationId: 'c3', createdAt: at(-30) });
    expect(w.totals.customersAtRisk).toBe(1);
    expect(w.totals.customersAtRiskList).toEqual([{ customerId: 'cust-9', escalationId: open[1].escalationId, severity: 'high' }]);
  });

  it('takes attainment from the sla-monitor\'s ended clocks per team, and counts the warned clocks of open escalations as at risk', () => {
    const ended = [
      { team: 'support', outcome: 'met' as const, count: 7 }, { team: 'support', outcome: 'breached' as const, count: 1 },
      { team: 'billing', outcome: 'met' as const, count: 2 }, { team: 'care', outcome: 'breached' as const, count: 2 },
    ];
    const b = wallboard({ open, resolved, agents, since: T0, sla: ended });
    // c3 warned and is open: at risk; c1 breached already; c5/c6 are resolved.
    expect(b.totals.sla).toEqual({ met: 9, breached: 3, atRisk: 1, attainment: 9 / 12, source: 'sla-monitor' });
    expect(b.teams.find((t) => t.team === 'support')!.sla).toEqual({ met: 7, breached: 1, atRisk: 1, attainment: 7 / 8, source: 'sla-monitor' });
    expect(b.teams.find((t) => t.team === 'care')!.sla.attainment).toBe(0); // a team with ended clocks gets a row
    // A supervisor of billing sees billing's figure in the totals, not the whole tenant's.
    const mine = wallboard({ open: [], resolved: [], agents, since: T0, sla: ended, teams: ['billing'] });
    expect(mine.totals.sla).toMatchObject({ met: 2, breached: 0, attainment: 1 });
    expect(w.totals.resolved).toBe(2);
    expect(wallboard({ open, resolved, agents, since: T0, sla: [{ team: 'support', outcome: 'met', count: -1 }] }).totals.sla).toMatchObject({ met: 0, attainment: null });
  });

  it('has a row per team with its presence, and none for the day without data', () => {
    expect(w.teams.map((t) => t.team)).toEqual(['billing', 'support']);
    const support = w.teams.find((t) => t.team === 'support')!;
    expect(support.presence).toEqual({ online: 3, available: 2, busy: 1, offline: 1, load: 4, capacity: 9 });
    expect(w.teams.find((t) => t.team === 'billing')!.open.medium).toBe(0);
    expect(wallboard({ open: [], resolved: [], agents: [], since: T0 }).totals.sla.attainment).toBeNull();
  });

  it('shows only the teams asked for', () => {
    const billingOnly = wallboard({ open: open.filter((e) => e.target.team === 'billing'), resolved: [], agents, since: T0, teams: ['billing'] });
    expect(billingOnly.teams.map((t) => t.team)).toEqual(['billing']);
    expect(presenceByTeam(agents, ['billing']).map((p) => p.team)).toEqual(['billing']);
    // Available first (least loaded first), then busy, then offline.
    expect(presenceByTeam(agents)[1].agents.map((a) => a.agentId)).toEqual(['s1', 'a1', 'a2', 'a3']);
  });
});
