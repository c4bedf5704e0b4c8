import type { Response } from 'express';
import { PipelineMetrics } from '@cx/metrics';
import { mergeRequest, RoutingConfig, type Principal } from '@cx/routing';
import { T0, reason, request } from '../../../../libs/routing/src/test-fixtures';
import type { StoredEscalation } from '../store/escalation.store';
import type { ChangeFeed } from '../store/change-feed';
import { TenantRoutingConfig } from '../config/routing-config.provider';
import { RouterMetrics } from '../router-metrics';
import { SseHub } from './sse.hub';

/** A Response that records what is written (the hub only uses these members). */
function fakeResponse() {
  const writes: string[] = [];
  const handlers: Record<string, () => void> = {};
  const res = {
    status: () => res, set: () => res, flushHeaders: () => undefined, socket: null,
    write: (s: string) => { writes.push(s); return true; },
    end: () => undefined, cork: () => undefined, uncork: () => undefined,
    on: (ev: string, fn: () => void) => { handlers[ev] = fn; return res; },
  };
  return { res: res as unknown as Response, writes, close: () => handlers.close?.() };
}

const base = mergeRequest(undefined, request([reason('negative_emotion', 'm1')]), RoutingConfig.parse({}), T0).escalation;
const esc = (over: Partial<StoredEscalation> = {}): StoredEscalation => ({ ...base, tenantId: 'acme', ...over });
const who = (role: Principal['role'], over: Partial<Principal> = {}): Principal => ({ role, tenant: 'acme', teams: [], ...over });
const events = (writes: string[]) => writes.filter((w) => w.startsWith('event:')).map((w) => w.split('\n')[0].slice(7));

describe('SseHub', () => {
  let hub: SseHub;
  let metrics: RouterMetrics;
  beforeEach(() => {
    metrics = new RouterMetrics(new PipelineMetrics('router-test'));
    hub = new SseHub({ subscribe: () => undefined } as unknown as ChangeFeed, metrics, TenantRoutingConfig.load(undefined));
  });
  afterEach(() => hub.onApplicationShutdown());

  it('sends each change only to principals who may see it, never across tenants', () => {
    const a1 = fakeResponse(), a2 = fakeResponse(), sup = fakeResponse(), otherSup = fakeResponse(), other = fakeResponse();
    hub.attach(who('agent', { agentId: 'a1' }), a1.res);
    hub.attach(who('agent', { agentId: 'a2' }), a2.res);
    hub.attach(who('supervisor', { teams: ['support'] }), sup.res);
    hub.attach(who('supervisor', { teams: ['billing'] }), otherSup.res);
    hub.attach(who('admin', { tenant: 'other' }), other.res);
    const sent = hub.deliver({ change: 'raised', escalation: esc({ assignee: { kind: 'agent', id: 'a1' } }), requestedAt: Date.now() });
    expect(sent).toBe(2);
    expect(events(a1.writes)).toEqual(['raised']);
    expect(events(sup.writes)).toEqual(['raised']);
    expect(events(a2.writes)).toEqual([]);
    expect(events(otherSup.writes)).toEqual([]);
    expect(events(other.writes)).toEqual([]);
    expect(a1.writes.join('')).not.toContain('tenantId');
  });

  it('tells the previous holder to drop an escalation the ladder moved on, without its data', () => {
    const a1 = fakeResponse(), a2 = fakeResponse();
    hub.attach(who('agent', { agentId: 'a1' }), a1.res);
    hub.attach(who('agent', { agentId: 'a2' }), a2.res);
    hub.deliver({ change: 'escalated', escalation: esc({ assignee: { kind: 'agent', id: 'a2' }, ladderStep: 1 }), before: { escalationId: base.escalationId, status: 'open', assignee: { kind: 'agent', id: 'a1' } } });
    expect(events(a2.writes)).toEqual(['escalated']);
    expect(events(a1.writes)).toEqual(['withdrawn']);
    expect(a1.writes.at(-1)).not.toContain('reasons');
  });

  it('counts clients by role and forgets closed connections', async () => {
    const a = fakeResponse();
    hub.attach(who('agent', { agentId: 'a1' }), a.res);
    expect(hub.size).toBe(1);
    expect((await metrics.sseClients.get()).values.find((v) => v.labels.role === 'agent')?.value).toBe(1);
    a.close();
    expect(hub.size).toBe(0);
    expect(hub.deliver({ change: 'raised', escalation: esc({ assignee: { kind: 'agent', id: 'a1' } }) })).toBe(0);
  });
});
