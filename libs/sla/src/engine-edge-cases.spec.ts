// The engine under duplicates, late events, restarts, business hours with pauses, and the state codec.
import { SlaBreachedV1, SlaWarningV1, type InteractionEvent } from '@cx/contracts';
import { applyEvent, decodeState, encodeState, fire, openClocks, timersOf, type SlaFiring, type SlaState } from './engine';
import { parsePolicies } from './policy';
import { toSlaEvent } from './sla-event';
import { SlaSimulator } from './simulator';
import { EventFactory } from './testing/events';
import { D, policies, run, view } from './testing/engine-fixtures';

describe('duplicates', () => {
  it('an event id is processed once', () => {
    const c = new EventFactory('dup', 'call');
    const q = c.queued(`${D}10:00:00Z`);
    const sim = new SlaSimulator(policies);
    for (const e of [q, c.answered(`${D}10:00:10Z`), q, q]) sim.process(e);
    expect(sim.finish(Date.parse(`${D}10:10:00Z`))).toEqual([]);
    expect(sim.stats.duplicates).toBe(2);
  });
});

describe('late events', () => {
  it('an agent reply stamped before the due instant cancels a breach that has not fired', () => {
    const c = new EventFactory('late');
    const s1 = applyEvent(undefined, c.opened(`${D}10:00:00Z`, { tier: 'vip' }), policies).state;
    const s2 = applyEvent(s1, c.customer(`${D}10:00:10Z`), policies);
    expect(s2.schedule.find((t) => t.clock === 'fr')).toMatchObject({ threshold: 0.8, dueAt: Date.parse(`${D}10:00:58Z`) });
    const w = fire(s2.state, s2.schedule.find((t) => t.clock === 'fr')!, policies);
    expect(w.firings.map((f) => f.kind)).toEqual(['warning']);
    const s3 = applyEvent(w.state, c.assigned(`${D}10:01:20Z`), policies); // newer event: advances lt, breach due 10:01:10 fires
    expect(s3.firings.map((f) => f.kind)).toEqual(['breached']);

    // The same, but the agent reply stamped 10:01:05 arrives after the assignment of 10:01:08
    const t3 = applyEvent(w.state, c.assigned(`${D}10:01:08Z`), policies);
    expect(t3.firings).toEqual([]);
    const t4 = applyEvent(t3.state, c.agent(`${D}10:01:05Z`), policies);
    expect(t4.lateEvent).toBe(true);
    expect(t4.firings).toEqual([]);
    expect(t4.cancel).toContainEqual({ conversationId: 'late', clock: 'fr' });
    // the timer claimed afterwards is stale
    expect(fire(t4.state, { conversationId: 'late', clock: 'fr', dueAt: Date.parse(`${D}10:01:10Z`) }, policies).stale).toBe(true);
  });

  it('a late reply stamped after the due instant first fires the breach at its exact instant', () => {
    const c = new EventFactory('late2');
    let s = applyEvent(undefined, c.opened(`${D}10:00:00Z`, { tier: 'vip' }), policies).state;
    s = applyEvent(s, c.customer(`${D}10:00:10Z`), policies).state;
    const r = applyEvent(s, c.agent(`${D}10:01:30Z`), policies); // no timer was fired in between
    expect(r.firings.map((f) => `${f.kind} ${f.data.at}`)).toEqual([`warning ${D}10:00:58.000Z`, `breached ${D}10:01:10.000Z`]);
  });

  it('a late pending_customer inside the running segment takes that span out of resolution', () => {
    const c = new EventFactory('late3');
    const out = run([c.opened(`${D}10:00:00Z`, { tier: 'vip' }), c.status(`${D}10:50:00Z`, 'open'), c.status(`${D}10:20:00Z`, 'pending_customer')], `${D}20:00:00Z`);
    // 10:20→10:50 not counted → breach 12:30
    expect(view(out, 'resolution')[1]).toBe(`breached resolution vip-chat at=${D}12:30:00.000Z due=${D}12:30:00.000Z`);
  });

  it('a late customer message earlier than the first one moves firstResponse earlier', () => {
    const c = new EventFactory('late4');
    const out = run([c.opened(`${D}10:00:00Z`, { tier: 'vip' }), c.customer(`${D}10:00:30Z`), c.customer(`${D}10:00:10Z`)], `${D}10:05:00Z`);
    expect(view(out, 'firstResponse')[1]).toBe(`breached firstResponse vip-chat at=${D}10:01:10.000Z due=${D}10:01:10.000Z`);
  });
});

describe('restarts and timers', () => {
  it('cause ids are deterministic: the same firing after a replay has the same id', () => {
    const mk = () => {
      const c = new EventFactory('det');
      return run([c.opened(`${D}10:00:00Z`, { tier: 'vip' }), c.customer(`${D}10:00:10Z`)], `${D}10:05:00Z`).map((f) => f.id);
    };
    const a = mk();
    expect(mk()).toEqual(a);
    expect(new Set(a).size).toBe(a.length);
  });

  it('a timer fired twice (double claim) emits once; the state survives JSON', () => {
    const c = new EventFactory('twice');
    let s: SlaState = applyEvent(undefined, c.opened(`${D}10:00:00Z`, { tier: 'vip' }), policies).state;
    const r = applyEvent(s, c.customer(`${D}10:00:10Z`), policies);
    const encoded = encodeState(r.state);
    expect(encoded).toContain('"t0":1772532000000'); // absolute only once
    s = decodeState(encoded);
    expect(s).toEqual(r.state);
    const timer = timersOf('twice', s, policies).find((t) => t.clock === 'fr')!;
    const first = fire(s, timer, policies);
    expect(first.firings).toHaveLength(1);
    expect(first.schedule).toEqual([{ conversationId: 'twice', clock: 'fr', metric: 'firstResponse', threshold: 1, dueAt: Date.parse(`${D}10:01:10Z`) }]);
    expect(fire(first.state, timer, policies)).toMatchObject({ stale: true, firings: [] });
    expect(openClocks(first.state, policies)).toEqual({ firstResponse: 1, resolution: 1 });
  });
});

describe('business hours with pauses and several warnings', () => {
  it('a pause inside open hours is not counted, the rest counts in open hours only', () => {
    const set = parsePolicies(`
calendars:
  office: { timezone: Europe/Berlin, hours: { mon: ["08:00-18:00"], tue: ["08:00-18:00"], wed: ["08:00-18:00"], thu: ["08:00-18:00"], fri: ["08:00-16:00"] } }
policies:
  - { id: mail, match: { channel: email }, calendar: office, targets: { resolution: PT20H }, warnAt: [0.5, 0.9, 0.5] }
`);
    const e = new EventFactory('bh', 'email');
    const sim = new SlaSimulator(set);
    // Tue 17:00 CET: 1 h Tue, Wed 08-09 1 h, paused 09-15, then 18 h: Wed 3 h, Thu 10 h, Fri 5 h → Fri 13:00 CET
    for (const ev of [e.opened('2026-03-03T16:00:00Z'), e.status('2026-03-04T08:00:00Z', 'pending_customer'), e.status('2026-03-04T14:00:00Z', 'open')]) sim.process(ev);
    const out = sim.finish(Date.parse('2026-03-10T00:00:00Z'));
    // 0.5 → 10 h: Wed 3 h (5 h), Thu 5 h → Thu 13:00 CET; 0.9 → 18 h: Fri 08:00 + 3 h = 11:00 CET
    expect(out.map((f) => `${f.kind} ${f.data.threshold} ${f.data.at}`)).toEqual([
      'warning 0.5 2026-03-05T12:00:00.000Z',
      'warning 0.9 2026-03-06T10:00:00.000Z',
      'breached 1 2026-03-06T12:00:00.000Z',
    ]);
    expect(out[2].data.pausedPeriods).toEqual([{ from: '2026-03-04T08:00:00.000Z', to: '2026-03-04T14:00:00.000Z' }]);
    expect(out[2].data.outOfHoursPeriods[0]).toEqual({ from: '2026-03-03T17:00:00.000Z', to: '2026-03-04T07:00:00.000Z' });
    expect(new Set(out.map((f) => f.id)).size).toBe(3);
  });
});

describe('encodeState', () => {
  it('round-trips paused periods, kept promises and tenants', () => {
    const c = new EventFactory('enc');
    let s: SlaState | undefined;
    const events = [c.opened(`${D}10:00:00Z`, { tier: 'vip' }), c.status(`${D}10:10:00Z`, 'on_hold'), c.status(`${D}10:20:00Z`, 'open'), c.promiseMade(`${D}10:21:00Z`, 'a', `${D}11:00:00Z`), c.promiseKept(`${D}10:22:00Z`, 'a')];
    for (const e of events) s = applyEvent(s, { ...e, tenantid: 't1' }, policies).state;
    const text = encodeState(s!);
    expect(decodeState(text)).toEqual(s);
    expect(s!.tn).toBe('t1');
    expect(text.length).toBeLessThan(JSON.stringify(s).length);
  });
});

describe('contract points (docs/contract.md (SLA semantics))', () => {
  it('an event stamped exactly at a threshold’s instant comes after it, one a millisecond earlier before it', () => {
    const p = new EventFactory('kept-at-due');
    // due 10:10:00.000: kept at that ms → breached; kept at 10:09:59.999 → no breach
    expect(view(run([p.opened(`${D}10:00:00Z`, { tier: 'vip' }), p.promiseMade(`${D}10:00:00Z`, 'cb', `${D}10:10:00Z`), p.promiseKept(`${D}10:10:00Z`, 'cb')], `${D}10:20:00Z`), 'promise')).toEqual([
      `warning promise vip-chat at=${D}10:08:00.000Z due=${D}10:10:00.000Z`,
      `breached promise vip-chat at=${D}10:10:00.000Z due=${D}10:10:00.000Z`,
    ]);
    const q = new EventFactory('kept-before');
    expect(view(run([q.opened(`${D}10:00:00Z`, { tier: 'vip' }), q.promiseMade(`${D}10:00:00Z`, 'cb', `${D}10:10:00Z`), q.promiseKept(`${D}10:09:59.999Z`, 'cb')], `${D}10:20:00Z`), 'promise')).toHaveLength(1);
    const call = new EventFactory('answered-at-due', 'call');
    // queueWait PT60S from 10:00:00: answered at 10:01:00.000 is a breach, at 10:00:59.999 it is not
    expect(view(run([call.queued(`${D}10:00:00Z`), call.answered(`${D}10:01:00Z`)], `${D}10:10:00Z`))).toEqual([`breached queueWait phone at=${D}10:01:00.000Z due=${D}10:01:00.000Z`]);
  });

  it('`resolved` ends the response and queue clocks without a breach; `closed` ends every clock, promises included', () => {
    const call = new EventFactory('resolved-call', 'call');
    expect(run([call.queued(`${D}10:00:00Z`), call.status(`${D}10:00:30Z`, 'resolved')], `${D}10:10:00Z`)).toEqual([]);
    const c = new EventFactory('resolved-chat');
    const sim = new SlaSimulator(policies);
    for (const e of [c.opened(`${D}10:00:00Z`, { tier: 'vip' }), c.customer(`${D}10:00:10Z`), c.promiseMade(`${D}10:00:20Z`, 'p1', `${D}10:30:00Z`), c.status(`${D}10:00:40Z`, 'resolved')]) sim.process(e);
    // resolved stops firstResponse (its 0.8 warning would be at 10:00:58) but not the promise
    expect(view(sim.finish(Date.parse(`${D}11:00:00Z`)))).toEqual([
      `warning promise vip-chat at=${D}10:24:04.000Z due=${D}10:30:00.000Z`,
      `breached promise vip-chat at=${D}10:30:00.000Z due=${D}10:30:00.000Z`,
    ]);
  });

  it('an unmatched promise has policyId null, no warnings, and a valid event', () => {
    const set = parsePolicies('policies:\n  - { id: calls, match: { channel: call }, targets: { queueWait: PT1M }, warnAt: [0.5] }\n');
    const c = new EventFactory('np', 'email');
    const sim = new SlaSimulator(set);
    sim.process(c.promiseMade(`${D}10:00:00Z`, 'x', `${D}10:10:00Z`));
    const [breach, ...rest] = sim.finish(Date.parse(`${D}11:00:00Z`));
    expect(rest).toEqual([]);
    expect(breach.data.policyId).toBeNull();
    expect(SlaBreachedV1.safeParse(toSlaEvent(breach)).success).toBe(true);
  });
});
