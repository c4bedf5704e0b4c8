import { SlaBreachedV1, SlaWarningV1, type InteractionEvent } from '@cx/contracts';
import { applyEvent, decodeState, encodeState, fire, openClocks, timersOf, type SlaFiring, type SlaState } from './engine';
import { parsePolicies } from './policy';
import { toSlaEvent } from './sla-event';
import { SlaSimulator } from './simulator';
import { EventFactory } from './testing/events';

const policies = parsePolicies(`
calendars:
  berlin-office:
    timezone: Europe/Berlin
    hours: { mon: ["08:00-18:00"], tue: ["08:00-18:00"], wed: ["08:00-18:00"], thu: ["08:00-18:00"], fri: ["08:00-16:00"] }
    holidays: ["2026-12-24", "2026-12-25"]
policies:
  - id: vip-chat
    match: { channel: chat, tier: [vip] }
    targets: { firstResponse: PT1M, nextResponse: PT3M, resolution: PT2H }
    warnAt: [0.8]
  - id: email-business
    match: { channel: email }
    calendar: berlin-office
    targets: { firstResponse: PT4H, resolution: PT20H }
  - id: phone
    match: { channel: call }
    targets: { queueWait: PT60S }
`);

function run(events: InteractionEvent[], until: string): SlaFiring[] {
  const sim = new SlaSimulator(policies);
  for (const e of events) sim.process(e);
  return sim.finish(Date.parse(until));
}
/** Compact view: "breached firstResponse vip-chat at=… due=…". */
const view = (fs: SlaFiring[], metric?: string) =>
  fs.filter((f) => !metric || f.data.metric === metric).map((f) => `${f.kind} ${f.data.metric} ${f.data.policyId} at=${f.data.at} due=${f.data.dueAt}`);

const D = '2026-03-03T'; // a Tuesday

describe('firstResponse', () => {
  const c = new EventFactory('c1');
  it('warns at warnAt and breaches at the target when no agent answers', () => {
    const out = run([c.opened(`${D}10:00:00Z`, { tier: 'vip' }), c.customer(`${D}10:00:10Z`)], `${D}10:05:00Z`);
    expect(view(out, 'firstResponse')).toEqual([
      `warning firstResponse vip-chat at=${D}10:00:58.000Z due=${D}10:01:10.000Z`,
      `breached firstResponse vip-chat at=${D}10:01:10.000Z due=${D}10:01:10.000Z`,
    ]);
    const breach = out.find((f) => f.kind === 'breached')!;
    expect(breach.data).toMatchObject({ threshold: 1, targetMs: 60_000, startedAt: `${D}10:00:10.000Z`, channel: 'chat' });
    expect(SlaBreachedV1.safeParse(toSlaEvent(breach)).success).toBe(true);
    expect(SlaWarningV1.safeParse(toSlaEvent(out[0])).success).toBe(true);
  });

  it('an agent reply before the due instant stops it; a reply at the due instant is late', () => {
    const c2 = new EventFactory('c2');
    expect(view(run([c2.opened(`${D}10:00:00Z`, { tier: 'vip' }), c2.customer(`${D}10:00:10Z`), c2.agent(`${D}10:01:09.999Z`)], `${D}10:05:00Z`), 'firstResponse')).toEqual([
      `warning firstResponse vip-chat at=${D}10:00:58.000Z due=${D}10:01:10.000Z`,
    ]);
    const c3 = new EventFactory('c3');
    expect(view(run([c3.opened(`${D}10:00:00Z`, { tier: 'vip' }), c3.customer(`${D}10:00:10Z`), c3.agent(`${D}10:01:10Z`)], `${D}10:05:00Z`), 'firstResponse')).toHaveLength(2);
  });

  it('bots do not count as a response', () => {
    const b = new EventFactory('bot');
    const out = run([b.opened(`${D}10:00:00Z`, { tier: 'vip' }), b.customer(`${D}10:00:10Z`), b.message(`${D}10:00:12Z`, 'bot'), b.message(`${D}10:00:13Z`, 'system')], `${D}10:05:00Z`);
    expect(view(out, 'firstResponse')).toHaveLength(2);
  });

  it('counts business hours only, across a weekend and the spring DST change', () => {
    const e = new EventFactory('mail', 'email');
    // Fri 2026-03-27 15:00 CET; PT4H → 1 h Friday, 3 h from Mon 08:00 CEST → Mon 11:00 CEST = 09:00Z
    const out = run([e.opened('2026-03-27T14:00:00Z'), e.customer('2026-03-27T14:00:00Z')], '2026-04-01T00:00:00Z');
    const fr = out.find((f) => f.data.metric === 'firstResponse')!;
    expect(fr.data.at).toBe('2026-03-30T09:00:00.000Z');
    expect(fr.data.outOfHoursPeriods).toEqual([{ from: '2026-03-27T15:00:00.000Z', to: '2026-03-30T06:00:00.000Z' }]);
    // resolution PT20H from Fri 15:00 CET: 1 h Fri, Mon 10 h, Tue 9 h → Tue 2026-03-31 17:00 CEST = 15:00Z
    expect(out.find((f) => f.data.metric === 'resolution')!.data.at).toBe('2026-03-31T15:00:00.000Z');
  });

  it('skips holidays and the autumn DST change', () => {
    const e = new EventFactory('xmas', 'email');
    // Wed 2026-12-23 17:00 CET: 1 h, 24/25 holidays, weekend → Mon 28 11:00 CET
    expect(view(run([e.customer('2026-12-23T16:00:00Z')], '2026-12-29T00:00:00Z'), 'firstResponse')).toEqual([
      'breached firstResponse email-business at=2026-12-28T10:00:00.000Z due=2026-12-28T10:00:00.000Z',
    ]);
    const o = new EventFactory('oct', 'email');
    expect(view(run([o.customer('2026-10-23T13:00:00Z')], '2026-10-27T00:00:00Z'), 'firstResponse')).toEqual([
      'breached firstResponse email-business at=2026-10-26T10:00:00.000Z due=2026-10-26T10:00:00.000Z',
    ]);
  });
});

describe('nextResponse', () => {
  it('starts at a customer message after an agent reply, while no response clock runs', () => {
    const c = new EventFactory('nr');
    const out = run(
      [
        c.opened(`${D}10:00:00Z`, { tier: 'vip' }),
        c.customer(`${D}10:00:10Z`),
        c.agent(`${D}10:00:30Z`),
        c.customer(`${D}10:01:00Z`),
        c.customer(`${D}10:02:00Z`), // the clock already runs: no new one
        c.message(`${D}10:02:30Z`, 'bot'),
      ],
      `${D}10:30:00Z`,
    );
    expect(view(out, 'nextResponse')).toEqual([
      `warning nextResponse vip-chat at=${D}10:03:24.000Z due=${D}10:04:00.000Z`,
      `breached nextResponse vip-chat at=${D}10:04:00.000Z due=${D}10:04:00.000Z`,
    ]);
    expect(view(out, 'firstResponse')).toEqual([]);
  });

  it('each answered turn is a separate clock instance with its own cause id', () => {
    const c = new EventFactory('nr2');
    const out = run(
      [c.opened(`${D}10:00:00Z`, { tier: 'vip' }), c.customer(`${D}10:00:10Z`), c.agent(`${D}10:00:20Z`), c.customer(`${D}10:00:30Z`), c.agent(`${D}10:03:00Z`), c.customer(`${D}10:04:00Z`)],
      `${D}10:30:00Z`,
    );
    const nr = out.filter((f) => f.data.metric === 'nextResponse');
    expect(nr.map((f) => f.data.at)).toEqual([`${D}10:02:54.000Z`, `${D}10:06:24.000Z`, `${D}10:07:00.000Z`]);
    expect(new Set(nr.map((f) => f.id)).size).toBe(3);
  });
});

describe('resolution', () => {
  it('runs from the first event, pauses on pending_customer / on_hold and resumes on open', () => {
    const c = new EventFactory('res');
    const out = run(
      [
        c.customer(`${D}10:00:00Z`), // first event: no `opened` yet
        c.opened(`${D}10:00:01Z`, { tier: 'vip' }),
        c.agent(`${D}10:00:20Z`),
        c.status(`${D}10:30:00Z`, 'pending_customer'),
        c.status(`${D}11:00:00Z`, 'open'),
        c.status(`${D}11:10:00Z`, 'on_hold'),
        c.status(`${D}11:40:00Z`, 'open'),
      ],
      `${D}18:00:00Z`,
    );
    // 2 h target + 1 h paused → 13:00; warning at 96 min used → 12:36
    expect(view(out, 'resolution')).toEqual([
      `warning resolution vip-chat at=${D}12:36:00.000Z due=${D}13:00:00.000Z`,
      `breached resolution vip-chat at=${D}13:00:00.000Z due=${D}13:00:00.000Z`,
    ]);
    expect(out[1].data.pausedPeriods).toEqual([
      { from: `${D}10:30:00.000Z`, to: `${D}11:00:00.000Z` },
      { from: `${D}11:10:00.000Z`, to: `${D}11:40:00.000Z` },
    ]);
    expect(out[1].data.startedAt).toBe(`${D}10:00:00.000Z`);
  });

  it('resolved stops it; a customer message reopens it with the time already used', () => {
    const c = new EventFactory('reopen');
    const out = run(
      [c.opened(`${D}10:00:00Z`, { tier: 'vip' }), c.customer(`${D}10:00:05Z`), c.agent(`${D}10:00:20Z`), c.status(`${D}11:00:00Z`, 'resolved'), c.agent(`${D}11:30:00Z`), c.customer(`${D}12:00:00Z`)],
      `${D}18:00:00Z`,
    );
    // 1 h used before resolved, resumed 12:00 → 1 h left → 13:00; warning at 96 min → 12:36
    expect(view(out, 'resolution')).toEqual([
      `warning resolution vip-chat at=${D}12:36:00.000Z due=${D}13:00:00.000Z`,
      `breached resolution vip-chat at=${D}13:00:00.000Z due=${D}13:00:00.000Z`,
    ]);
    // the reopening message also starts a nextResponse clock
    expect(view(out, 'nextResponse').map((s) => s.split(' ')[0])).toEqual(['warning', 'breached']);
  });

  it('a status `open` after resolved also reopens; resolved before the due time means no breach', () => {
    const c = new EventFactory('ok');
    expect(run([c.opened(`${D}10:00:00Z`, { tier: 'vip' }), c.status(`${D}11:59:59.999Z`, 'resolved')], `${D}20:00:00Z`).map((f) => f.kind)).toEqual(['warning']);
    const r = new EventFactory('reopen2');
    const out = run([r.opened(`${D}10:00:00Z`, { tier: 'vip' }), r.status(`${D}11:00:00Z`, 'resolved'), r.status(`${D}11:30:00Z`, 'open')], `${D}20:00:00Z`);
    expect(view(out, 'resolution')[1]).toBe(`breached resolution vip-chat at=${D}12:30:00.000Z due=${D}12:30:00.000Z`);
  });
});

describe('closed is final', () => {
  it('stops every clock, and later events are dropped and counted', () => {
    const c = new EventFactory('closed');
    const sim = new SlaSimulator(policies);
    for (const e of [c.opened(`${D}10:00:00Z`, { tier: 'vip' }), c.customer(`${D}10:00:10Z`), c.promiseMade(`${D}10:00:20Z`, 'p1', `${D}10:30:00Z`), c.status(`${D}10:00:40Z`, 'closed'), c.customer(`${D}10:00:50Z`), c.status(`${D}10:01:00Z`, 'open')]) sim.process(e);
    expect(sim.finish(Date.parse(`${D}23:00:00Z`))).toEqual([]);
    expect(sim.stats.droppedAfterClose).toBe(2);
    expect(sim.timers.size).toBe(0);
  });

  it('thresholds crossed before the close still fire', () => {
    const c = new EventFactory('closed2');
    expect(view(run([c.opened(`${D}10:00:00Z`, { tier: 'vip' }), c.customer(`${D}10:00:10Z`), c.status(`${D}10:01:00Z`, 'closed')], `${D}23:00:00Z`))).toEqual([
      `warning firstResponse vip-chat at=${D}10:00:58.000Z due=${D}10:01:10.000Z`,
    ]);
  });
});

describe('policy matching', () => {
  it('the first matching policy wins; no match means no target clocks', () => {
    const vip = new EventFactory('vip');
    const plain = new EventFactory('plain');
    const out = run([vip.opened(`${D}10:00:00Z`, { tier: 'vip' }), plain.opened(`${D}10:00:00Z`, { tier: 'gold' }), vip.customer(`${D}10:00:10Z`), plain.customer(`${D}10:00:10Z`)], `${D}10:10:00Z`);
    expect(new Set(out.map((f) => `${f.conversationId}/${f.data.policyId}`))).toEqual(new Set(['vip/vip-chat']));
  });

  it('an `opened` that arrives after other events re-matches and keeps the clocks started earlier', () => {
    const c = new EventFactory('late-open');
    const out = run([c.customer(`${D}10:00:10Z`), c.opened(`${D}10:00:30Z`, { tier: 'vip' })], `${D}10:05:00Z`);
    expect(view(out, 'firstResponse')).toEqual([
      `warning firstResponse vip-chat at=${D}10:00:58.000Z due=${D}10:01:10.000Z`,
      `breached firstResponse vip-chat at=${D}10:01:10.000Z due=${D}10:01:10.000Z`,
    ]);
  });

  it('an `opened` learnt after a threshold instant fires it at its exact instant', () => {
    const c = new EventFactory('late-open2');
    const out = run([c.customer(`${D}10:00:10Z`), c.opened(`${D}10:01:00Z`, { tier: 'vip' })], `${D}10:05:00Z`);
    expect(out.map((f) => f.data.at).slice(0, 2)).toEqual([`${D}10:00:58.000Z`, `${D}10:01:10.000Z`]);
  });
});

describe('queueWait', () => {
  const p = (id: string) => new EventFactory(id, 'call');
  it('breaches when the call waits longer than the target', () => {
    const c = p('q1');
    expect(view(run([c.queued(`${D}10:00:00Z`)], `${D}10:10:00Z`))).toEqual([`breached queueWait phone at=${D}10:01:00.000Z due=${D}10:01:00.000Z`]);
  });
  it('answered in time or abandoned stops it', () => {
    const a = p('q2');
    const b = p('q3');
    expect(run([a.queued(`${D}10:00:00Z`), a.answered(`${D}10:00:59.999Z`), b.queued(`${D}10:00:00Z`), b.abandoned(`${D}10:00:30Z`)], `${D}10:10:00Z`)).toEqual([]);
  });
  it('a second queueing after an answer is a new clock', () => {
    const c = p('q4');
    const out = run([c.queued(`${D}10:00:00Z`), c.answered(`${D}10:00:10Z`), c.queued(`${D}10:05:00Z`)], `${D}10:10:00Z`);
    expect(view(out)).toEqual([`breached queueWait phone at=${D}10:06:00.000Z due=${D}10:06:00.000Z`]);
  });
});

describe('promise', () => {
  it('a broken promise breaches at its dueAt, with the policy warnAt over made→due', () => {
    const c = new EventFactory('pr1');
    const out = run([c.opened(`${D}10:00:00Z`, { tier: 'vip' }), c.promiseMade(`${D}10:00:00Z`, 'cb-1', `${D}10:10:00Z`)], `${D}10:20:00Z`);
    expect(view(out, 'promise')).toEqual([
      `warning promise vip-chat at=${D}10:08:00.000Z due=${D}10:10:00.000Z`,
      `breached promise vip-chat at=${D}10:10:00.000Z due=${D}10:10:00.000Z`,
    ]);
    expect(out.find((f) => f.data.metric === 'promise')!.data).toMatchObject({ promiseId: 'cb-1', targetMs: 600_000 });
  });

  it('a kept promise fires nothing more; without a matching policy it still breaches, policyId null', () => {
    const c = new EventFactory('pr2');
    expect(view(run([c.opened(`${D}10:00:00Z`, { tier: 'vip' }), c.promiseMade(`${D}10:00:00Z`, 'cb', `${D}10:10:00Z`), c.promiseKept(`${D}10:09:00Z`, 'cb')], `${D}10:20:00Z`), 'promise')).toEqual([
      `warning promise vip-chat at=${D}10:08:00.000Z due=${D}10:10:00.000Z`,
    ]);
    const n = new EventFactory('pr3');
    expect(view(run([n.promiseMade(`${D}10:00:00Z`, 'x', `${D}12:00:00Z`)], `${D}13:00:00Z`))).toEqual([`breached promise null at=${D}12:00:00.000Z due=${D}12:00:00.000Z`]);
  });

  it('a promise ignores business hours and a kept that arrived before its made still counts', () => {
    const e = new EventFactory('pr4', 'email');
    expect(view(run([e.promiseMade('2026-03-07T10:00:00Z', 'cb', '2026-03-07T11:00:00Z')], '2026-03-08T00:00:00Z'))).toEqual([
      'breached promise email-business at=2026-03-07T11:00:00.000Z due=2026-03-07T11:00:00.000Z',
    ]);
    const l = new EventFactory('pr5');
    expect(run([l.promiseKept(`${D}10:30:00Z`, 'cb'), l.promiseMade(`${D}10:00:00Z`, 'cb', `${D}11:00:00Z`)], `${D}13:00:00Z`)).toEqual([]);
  });
});

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

describe('contract points (DESIGN.md §4)', () => {
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
