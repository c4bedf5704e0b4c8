import type { Escalation } from '@cx/contracts';
import { RoutingConfig } from './config';
import { mergeRequest } from './merge';
import { canSee, type Principal } from './visibility';
import { T0, reason, request } from './test-fixtures';

const base = mergeRequest(undefined, request([reason('negative_emotion', 'm1')]), RoutingConfig.parse({}), T0).escalation;
const e = (over: Partial<Escalation> = {}) => ({ ...base, tenantId: 'acme', ...over });
const p = (role: Principal['role'], over: Partial<Principal> = {}): Principal => ({ role, tenant: 'acme', teams: [], ...over });

describe('canSee', () => {
  it('never crosses tenants, and hides escalations of unknown tenant', () => {
    expect(canSee(p('admin', { tenant: 'other' }), e())).toBe(false);
    expect(canSee(p('admin'), { ...base })).toBe(false);
    expect(canSee(p('admin'), { ...base }, 'acme')).toBe(true);
    expect(canSee(p('admin'), e(), 'other')).toBe(false);
  });

  it('lets an admin see all of the tenant', () => {
    expect(canSee(p('admin'), e())).toBe(true);
  });

  it('lets supervisors see their teams and what is routed to them', () => {
    expect(canSee(p('supervisor', { teams: ['support'] }), e())).toBe(true);
    expect(canSee(p('supervisor', { teams: ['billing'] }), e())).toBe(false);
    expect(canSee(p('supervisor', { teams: ['billing'], agentId: 's1' }), e({ assignee: { kind: 'supervisor', id: 's1' } }))).toBe(true);
  });

  it('lets agents see only what is routed to them or what they handled', () => {
    const agentP = p('agent', { teams: ['support'], agentId: 'a1' });
    expect(canSee(agentP, e())).toBe(false);
    expect(canSee(agentP, e({ assignee: { kind: 'agent', id: 'a1' } }))).toBe(true);
    expect(canSee(agentP, e({ assignee: { kind: 'agent', id: 'a2' } }))).toBe(false);
    expect(canSee(agentP, e({ assignee: { kind: 'team', id: 'a1' } }))).toBe(false);
    expect(canSee(agentP, e({ assignee: { kind: 'supervisor', id: 's1' }, acknowledgedBy: 'a1' }))).toBe(true);
    expect(canSee(p('agent', { teams: ['support'] }), e({ assignee: { kind: 'agent', id: 'a1' } }))).toBe(false);
  });
});
