import { RoutingConfig } from './config';
import { acknowledge, capReasons, escalationId, escalationSeq, mergeRequest, resolve } from './merge';
import { T0, at, reason, request } from './test-fixtures';

const config = RoutingConfig.parse({});

describe('escalationId', () => {
  it('is deterministic per tenant, conversation and sequence, and URL-safe', () => {
    const id = escalationId('acme', 'conv/1?x', 1);
    expect(id).toBe(escalationId('acme', 'conv/1?x', 1));
    expect(id).not.toBe(escalationId('other', 'conv/1?x', 1));
    expect(id).not.toBe(escalationId('acme', 'conv/1?x', 2));
    expect(id).toMatch(/^esc-[0-9a-f]{24}-1$/);
    expect(escalationSeq(escalationId('a', 'b', 17))).toBe(17);
    expect(escalationSeq('foreign')).toBe(0);
  });
});

describe('mergeRequest', () => {
  it('raises a new escalation with severity, target, context and actions', () => {
    const req = request([reason('negative_emotion', 'm1')], {
      channel: 'email', intents: ['unclear_bill'], customer: { id: 'cust-1', tier: 'gold', language: 'de' },
      context: { recentInteractions: [{ conversationId: 'c0', at: at(-60), summary: 'earlier chat' }], flags: ['negative'] },
    });
    const { escalation: e, change, newReasons } = mergeRequest(undefined, req, config, T0);
    expect(change).toBe('raised');
    expect(newReasons).toHaveLength(1);
    expect(e).toMatchObject({
      escalationId: escalationId('acme', 'conv-1', 1), conversationId: 'conv-1', channel: 'email', status: 'open',
      severity: 'medium', intents: ['unclear_bill'], ladderStep: 0, createdAt: T0, updatedAt: T0,
      target: { team: 'support', language: 'de', skills: [] },
      context: { customerId: 'cust-1', tier: 'gold', flags: ['negative'] },
    });
    expect(e.assignee).toBeUndefined();
    expect(e.context.recentInteractions).toHaveLength(1);
    expect(e.suggestedActions.some((a) => a.startsWith('Apologise'))).toBe(true);
    expect(e.suggestedActions.some((a) => a.startsWith('Offer a call back'))).toBe(true);
  });

  it('replays to the same escalation and id', () => {
    const req = request([reason('negative_emotion', 'm1')]);
    const a = mergeRequest(undefined, req, config, T0).escalation;
    const b = mergeRequest(undefined, req, config, T0).escalation;
    expect(b).toEqual(a);
    const again = mergeRequest(a, req, config, at(1));
    expect(again.change).toBe('unchanged');
    expect(again.escalation).toBe(a);
  });

  it('merges two detectors into one escalation: reasons appended, severity up', () => {
    const first = mergeRequest(undefined, request([reason('negative_emotion', 'm1')]), config, T0).escalation;
    const sla = request([reason('sla_breached', 'sla-1', { sla: { policyId: 'p', metric: 'firstResponse', dueAt: T0, threshold: 1 } })],
      { detector: 'sla-monitor' });
    const r = mergeRequest(first, sla, config, at(1));
    expect(r.change).toBe('updated');
    expect(r.severityRaised).toBe(true);
    expect(r.escalation.escalationId).toBe(first.escalationId);
    expect(r.escalation.severity).toBe('high');
    expect(r.escalation.reasons.map((x) => x.causeId)).toEqual(['m1', 'sla-1']);
    expect(r.escalation.createdAt).toBe(T0);
    expect(r.escalation.updatedAt).toBe(at(1));
  });

  it('never lowers severity', () => {
    const strict = RoutingConfig.parse({ severity: { reasons: { negative_emotion: 'high' } } });
    const first = mergeRequest(undefined, request([reason('negative_emotion', 'm1')]), strict, T0).escalation;
    expect(first.severity).toBe('high');
    const r = mergeRequest(first, request([reason('sla_warning', 'w1')]), config, at(1));
    expect(r.escalation.severity).toBe('high');
    expect(r.severityRaised).toBe(false);
    expect(r.change).toBe('updated'); // a new reason code
  });

  it('stores repeats of a known reason code silently (unchanged)', () => {
    const first = mergeRequest(undefined, request([reason('negative_emotion', 'm1')]), config, T0).escalation;
    const r = mergeRequest(first, request([reason('negative_emotion', 'm2')]), config, at(1));
    expect(r.change).toBe('unchanged');
    expect(r.escalation.reasons.map((x) => x.causeId)).toEqual(['m1', 'm2']);
    expect(r.newReasons.map((x) => x.causeId)).toEqual(['m2']);
  });

  it('announces a new intent as an update', () => {
    const first = mergeRequest(undefined, request([reason('negative_emotion', 'm1')]), config, T0).escalation;
    const r = mergeRequest(first, request([reason('negative_emotion', 'm2')], { intents: ['cancellation_threat'] }), config, at(1));
    expect(r.change).toBe('updated');
    expect(r.escalation.severity).toBe('critical');
    expect(r.escalation.suggestedActions[0]).toMatch(/^Supervisor take-over/);
  });

  it('keeps an acknowledged escalation acknowledged when it is updated', () => {
    const first = acknowledge(mergeRequest(undefined, request([reason('negative_emotion', 'm1')]), config, T0).escalation, 'a1', at(1));
    const r = mergeRequest(first, request([reason('customer_at_risk', 'risk-1')]), config, at(2));
    expect(r.change).toBe('updated');
    expect(r.escalation.status).toBe('acknowledged');
    expect(r.escalation.acknowledgedBy).toBe('a1');
  });

  it('merges flapping signals into a resolved escalation within the cool-down', () => {
    const open = mergeRequest(undefined, request([reason('negative_emotion', 'm1')]), config, T0).escalation;
    const done = resolve(open, 'sup-1', at(5));
    const r = mergeRequest(done, request([reason('negative_emotion', 'm2')]), config, at(10));
    expect(r.change).toBe('unchanged');
    expect(r.escalation.status).toBe('resolved');
    expect(r.escalation.escalationId).toBe(open.escalationId);
    expect(r.escalation.reasons).toHaveLength(2);
    expect(r.escalation.updatedAt).toBe(at(5)); // the cool-down is not extended by flapping
  });

  it('raises a new escalation after the cool-down or for something new', () => {
    const open = mergeRequest(undefined, request([reason('negative_emotion', 'm1')]), config, T0).escalation;
    const done = resolve(open, 'sup-1', at(5));
    const late = mergeRequest(done, request([reason('negative_emotion', 'm2')]), config, at(15));
    expect(late.change).toBe('raised');
    expect(late.escalation.escalationId).toBe(escalationId('acme', 'conv-1', 2));
    expect(late.escalation.reasons.map((x) => x.causeId)).toEqual(['m2']);
    expect(late.escalation.status).toBe('open');
    expect(late.escalation.createdAt).toBe(at(15));

    const other = mergeRequest(done, request([reason('sla_breached', 's1')]), config, at(6));
    expect(other.change).toBe('raised');
    expect(other.escalation.escalationId).toBe(escalationId('acme', 'conv-1', 2));

    const worse = mergeRequest(done, request([reason('negative_emotion', 'm3')], { customer: { tier: 'vip' } }), config, at(6));
    expect(worse.change).toBe('raised'); // severity would be higher (vip boost)
  });

  it('carries the customer context over to the next escalation', () => {
    const open = mergeRequest(undefined, request([reason('negative_emotion', 'm1')], { customer: { id: 'cust-1' }, context: { flags: ['at_risk'] } }), config, T0).escalation;
    const next = mergeRequest(resolve(open, 's', at(1)), request([reason('sla_breached', 's1')]), config, at(30)).escalation;
    expect(next.context.customerId).toBe('cust-1');
    expect(next.context.flags).toEqual(['at_risk']);
  });

  it('keeps the last N recent interactions, newest first, and merges flags and promises', () => {
    const c = RoutingConfig.parse({ context: { recentInteractions: 2 } });
    const ia = (id: string, m: number) => ({ conversationId: id, at: at(m), summary: id });
    const first = mergeRequest(undefined, request([reason('negative_emotion', 'm1')], {
      context: { recentInteractions: [ia('a', -30), ia('b', -20)], flags: ['x'], openPromises: [{ promiseId: 'p1', kind: 'callback', dueAt: at(60) }] },
    }), c, T0).escalation;
    expect(first.context.recentInteractions.map((i) => i.conversationId)).toEqual(['b', 'a']);
    const r = mergeRequest(first, request([reason('sla_warning', 'w1')], {
      context: { recentInteractions: [ia('c', -10), ia('a', -30)], flags: ['y', 'x'], openPromises: [{ promiseId: 'p2', kind: 'reply', dueAt: at(30) }] },
    }), c, at(1)).escalation;
    expect(r.context.recentInteractions.map((i) => i.conversationId)).toEqual(['c', 'b']);
    expect(r.context.flags).toEqual(['x', 'y']);
    expect(r.context.openPromises.map((p) => p.promiseId)).toEqual(['p2', 'p1']);

    // The SLA monitor's list is the truth about promises: a kept promise drops out.
    const s = mergeRequest(r, request([reason('sla_breached', 'b1')], { detector: 'sla-monitor', context: { openPromises: [] } }), c, at(2)).escalation;
    expect(s.context.openPromises).toEqual([]);
  });

  it('derives team and skills from the config, and never moves the team', () => {
    const c = RoutingConfig.parse({
      teams: { rules: [{ match: { channels: ['email'], languages: ['de'] }, team: 'care-de' }] },
      skillsByIntent: { unclear_bill: ['billing'], cancellation_threat: ['retention'] },
    });
    const e = mergeRequest(undefined, request([reason('complaint_intent', 'i1')], {
      channel: 'email', customer: { language: 'de-AT' }, intents: ['unclear_bill'],
    }), c, T0).escalation;
    expect(e.target).toEqual({ team: 'care-de', language: 'de-AT', skills: ['billing'] });
    const u = mergeRequest(e, request([reason('complaint_intent', 'i2')], { intents: ['cancellation_threat'], target: { team: 'other' } }), c, at(1)).escalation;
    expect(u.target).toEqual({ team: 'care-de', language: 'de-AT', skills: ['billing', 'retention'] });
    const named = mergeRequest(undefined, request([reason('negative_emotion', 'm')], { target: { team: 'vip-desk', skills: ['x'] } }), c, T0).escalation;
    expect(named.target.team).toBe('vip-desk');
  });

  it('follows the conversation\'s updated tier and priority in severity and context, and its queue in the team', () => {
    const c = RoutingConfig.parse({ teams: { rules: [{ match: { queues: ['retention'] }, team: 'retention-desk' }] } });
    const first = mergeRequest(undefined, request([reason('sla_warning', 'w1')], {
      customer: { tier: 'standard' }, context: { priority: 'normal', queue: 'retention' },
    }), c, T0).escalation;
    expect(first.severity).toBe('medium');
    expect(first.target.team).toBe('retention-desk');
    expect(first.context).toMatchObject({ tier: 'standard', priority: 'normal', queue: 'retention' });
    // The ticket became urgent and the customer VIP: the next reason's severity follows, the context too.
    const later = mergeRequest(first, request([reason('negative_emotion', 'm9')], { customer: { tier: 'vip' }, context: { priority: 'urgent' } }), c, at(5)).escalation;
    expect(later.context).toMatchObject({ tier: 'vip', priority: 'urgent', queue: 'retention' });
    expect(later.severity).toBe('critical'); // medium + vip + urgent
  });

  it('rejects an escalation of another conversation', () => {
    const e = mergeRequest(undefined, request([reason('negative_emotion', 'm1')]), config, T0).escalation;
    expect(() => mergeRequest({ ...e, conversationId: 'other' }, request([reason('negative_emotion', 'm2')]), config, T0)).toThrow();
  });

  it('deduplicates reasons inside one request', () => {
    const e = mergeRequest(undefined, request([reason('negative_emotion', 'm1'), reason('negative_emotion', 'm1')]), config, T0).escalation;
    expect(e.reasons).toHaveLength(1);
  });
});

describe('capReasons', () => {
  it('drops the oldest repeats and keeps every code and the first reason', () => {
    const rs = [reason('sla_warning', 'w0'), ...Array.from({ length: 6 }, (_, i) => reason('negative_emotion', `m${i}`)), reason('sla_breached', 'b')];
    const capped = capReasons(rs, 4);
    expect(capped.map((r) => r.causeId)).toEqual(['w0', 'm4', 'm5', 'b']);
    expect(capReasons(rs, 100)).toBe(rs);
  });
});

describe('acknowledge / resolve', () => {
  it('set status, person and time, idempotently', () => {
    const e = mergeRequest(undefined, request([reason('negative_emotion', 'm1')]), config, T0).escalation;
    const a = acknowledge(e, 'a1', at(1));
    expect(a).toMatchObject({ status: 'acknowledged', acknowledgedBy: 'a1', updatedAt: at(1) });
    expect(acknowledge(a, 'a2', at(2))).toBe(a);
    const r = resolve(a, 's1', at(3));
    expect(r).toMatchObject({ status: 'resolved', resolvedBy: 's1', updatedAt: at(3) });
    expect(resolve(r, 's2', at(4))).toBe(r);
  });
});

describe('the customer\'s last messages on an escalation', () => {
  const config = RoutingConfig.parse({ context: { lastMessages: 3 } });
  const msg = (id: string, minute: number, text = `message ${id}`) => ({ messageId: id, at: at(minute), text, language: 'en', negative: true });
  it('merges them by id across requests, oldest first, newest kept, masked', () => {
    const first = mergeRequest(undefined, request([reason('negative_emotion', 'c1')], { context: { lastMessages: [msg('m1', 0), msg('m2', 1, 'call +44 20 7946 0958')] } }), config, T0).escalation;
    expect(first.context.lastMessages!.map((m) => m.text)).toEqual(['message m1', 'call [phone]']);
    const second = mergeRequest(first, request([reason('complaint_intent', 'c2')], { context: { lastMessages: [msg('m2', 1, 'call'), msg('m3', 2), msg('m4', 3)] } }), config, at(3)).escalation;
    expect(second.context.lastMessages!.map((m) => m.messageId)).toEqual(['m2', 'm3', 'm4']);
  });
  it('leaves escalations without messages as they were', () => {
    expect(mergeRequest(undefined, request([reason('negative_emotion', 'c1')]), config, T0).escalation.context).not.toHaveProperty('lastMessages');
  });
});
