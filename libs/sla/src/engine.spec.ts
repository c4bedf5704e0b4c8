// The engine's metrics, one scenario at a time (hand-worked instants in the comments).
import { SlaBreachedV1, SlaWarningV1, type InteractionEvent } from '@cx/contracts';
import { applyEvent, decodeState, encodeState, fire, openClocks, timersOf, type SlaFiring, type SlaState } from './engine';
import { parsePolicies } from './policy';
import { toSlaEvent } from './sla-event';
import { SlaSimulator } from './simulator';
import { EventFactory } from './testing/events';
import { D, policies, run, view } from './testing/engine-fixtures';

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
