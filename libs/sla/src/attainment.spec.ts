// Clock completions (met / breached / dropped / reopened) and the `sla:simulate --summary` tally.
import { type SlaCompletion } from './engine';
import { parsePolicies } from './policy';
import { SlaSimulator } from './simulator';
import { EventFactory } from './testing/events';

const policies = parsePolicies(`
policies:
  - id: vip-chat
    match: { channel: chat, tier: [vip] }
    targets: { firstResponse: PT1M, nextResponse: PT3M, resolution: PT2H }
    warnAt: [0.8]
    attainmentTarget: 0.9
  - id: chat-billing
    match: { channel: chat, tags: [billing] }
    targets: { resolution: PT4H }
  - id: chat
    match: { channel: chat }
    targets: { firstResponse: PT5M, resolution: PT8H }
  - id: phone
    match: { channel: call }
    targets: { queueWait: PT60S }
`);

const D = '2026-03-03T';
function replay(events: ReturnType<EventFactory['make']>[], until = `${D}10:30:00Z`) {
  const sim = new SlaSimulator(policies);
  for (const e of events) sim.process(e);
  sim.finish(Date.parse(until));
  return { sim, completions: sim.completions, summary: sim.summary(Date.parse(until)) };
}
const list = (cs: SlaCompletion[]) => cs.map((c) => `${c.outcome} ${c.clock} ${c.policyId} ${new Date(c.atMs).toISOString().slice(11, 19)}`);

describe('clock completions', () => {
  it('a reply before the breach is met; one at the due millisecond is breached (at the breach, once)', () => {
    const a = new EventFactory('met');
    expect(list(replay([a.opened(`${D}10:00:00Z`, { tier: 'vip' }), a.customer(`${D}10:00:00Z`), a.agent(`${D}10:00:59.999Z`)]).completions)).toEqual(['met fr vip-chat 10:00:59']);
    const b = new EventFactory('late');
    // breach at 10:01:00.000 fires before the reply stamped at that instant; the reply adds nothing
    expect(list(replay([b.opened(`${D}10:00:00Z`, { tier: 'vip' }), b.customer(`${D}10:00:00Z`), b.agent(`${D}10:01:00Z`)]).completions)).toEqual(['breached fr vip-chat 10:01:00']);
  });

  it('resolved ends the response and queue clocks (met) and stops resolution (met until a reopen takes it back)', () => {
    const c = new EventFactory('resolved');
    const { completions } = replay([c.opened(`${D}10:00:00Z`, { tier: 'vip' }), c.customer(`${D}10:00:00Z`), c.status(`${D}10:00:30Z`, 'resolved'), c.customer(`${D}11:00:00Z`)], `${D}23:00:00Z`);
    // resolution: 30 s used, reopened at 11:00 → due 13:00 - 30 s = 12:59:30 (breach, until 23:00)
    // (the reopening message starts no response clock: firstResponse was ended by `resolved`, no agent replied yet)
    expect(list(completions)).toEqual(['met fr vip-chat 10:00:30', 'met res vip-chat 10:00:30', 'reopened res vip-chat 11:00:00', 'breached res vip-chat 12:59:30']);
  });

  it('a resolved conversation that moves to another status than closed takes its resolution `met` back at once', () => {
    const c = new EventFactory('pending');
    const { completions } = replay([c.opened(`${D}10:00:00Z`, { tier: 'vip' }), c.status(`${D}10:00:30Z`, 'resolved'), c.status(`${D}10:10:00Z`, 'pending_customer'), c.status(`${D}10:20:00Z`, 'open')]);
    expect(list(completions)).toEqual(['met res vip-chat 10:00:30', 'reopened res vip-chat 10:10:00']);
  });

  it('closed ends every clock, promises included', () => {
    const c = new EventFactory('closed');
    const { completions } = replay([c.opened(`${D}10:00:00Z`, { tier: 'vip' }), c.promiseMade(`${D}10:00:05Z`, 'cb', `${D}12:00:00Z`), c.status(`${D}10:00:30Z`, 'closed')]);
    expect(list(completions).sort()).toEqual(['met p.cb vip-chat 10:00:30', 'met res vip-chat 10:00:30']);
  });

  it('a policy change that takes the target away counts the clock only as `dropped`', () => {
    const c = new EventFactory('dropped');
    const { completions, summary } = replay([c.opened(`${D}10:00:00Z`), c.customer(`${D}10:00:00Z`), c.updated(`${D}10:01:00Z`, { tags: ['billing'] }), c.agent(`${D}10:02:00Z`)]);
    expect(list(completions)).toEqual(['dropped fr chat 10:01:00']);
    // firstResponse: one clock under chat, neither met nor breached; resolution runs under chat-billing
    expect(summary).toEqual([
      { type: 'sla.summary', policyId: 'chat-billing', metric: 'resolution', clocks: 1, met: 0, breached: 0, running: 1, attainment: null },
      { type: 'sla.summary', policyId: 'chat', metric: 'firstResponse', clocks: 1, met: 0, breached: 0, running: 0, attainment: null },
    ]);
  });
});

describe('summary', () => {
  it('counts clocks, met, breached and running per policy and metric; a breach under the policy it names', () => {
    const a = new EventFactory('a');
    const b = new EventFactory('b');
    const p = new EventFactory('p', 'call');
    const q = new EventFactory('q', 'call');
    const n = new EventFactory('n');
    const { summary } = replay(
      [
        // a: vip; first response met at 10:00:30, resolution still running at until
        a.opened(`${D}10:00:00Z`, { tier: 'vip' }), a.customer(`${D}10:00:00Z`), a.agent(`${D}10:00:30Z`),
        // b: chat; first response breached at 10:05 (under chat), then vip: the breach stays under chat
        b.opened(`${D}10:00:00Z`), b.customer(`${D}10:00:00Z`), b.updated(`${D}10:06:00Z`, { tier: 'vip' }), b.agent(`${D}10:07:00Z`),
        // calls: one answered in time, one breached at 10:01:00
        p.queued(`${D}10:00:00Z`), p.answered(`${D}10:00:20Z`), q.queued(`${D}10:00:00Z`),
        // n: a chat (policy chat) whose promise is kept before its due time
        n.opened(`${D}10:00:00Z`), n.promiseMade(`${D}10:00:00Z`, 'x', `${D}10:30:00Z`), n.promiseKept(`${D}10:10:00Z`, 'x'),
      ],
      `${D}10:30:00Z`,
    );
    // until 10:30: a res (vip, 2 h) running; b res (vip since 10:06, 8 h→2 h: due 12:00) running;
    // n res (chat) running; n promise met under chat; q's queue wait breached, p's met.
    expect(summary).toEqual([
      { type: 'sla.summary', policyId: 'vip-chat', metric: 'firstResponse', clocks: 1, met: 1, breached: 0, running: 0, attainment: 1 },
      { type: 'sla.summary', policyId: 'vip-chat', metric: 'resolution', clocks: 2, met: 0, breached: 0, running: 2, attainment: null },
      { type: 'sla.summary', policyId: 'chat', metric: 'firstResponse', clocks: 1, met: 0, breached: 1, running: 0, attainment: 0 },
      { type: 'sla.summary', policyId: 'chat', metric: 'resolution', clocks: 1, met: 0, breached: 0, running: 1, attainment: null },
      { type: 'sla.summary', policyId: 'chat', metric: 'promise', clocks: 1, met: 1, breached: 0, running: 0, attainment: 1 },
      { type: 'sla.summary', policyId: 'phone', metric: 'queueWait', clocks: 2, met: 1, breached: 1, running: 0, attainment: 0.5 },
    ]);
  });

  it('an unmatched promise counts under policyId null; clocks started after --until do not count; one ended after it was running', () => {
    const set = parsePolicies('policies:\n  - { id: calls, match: { channel: call }, targets: { queueWait: PT60S } }\n');
    const sim = new SlaSimulator(set);
    const c = new EventFactory('u');
    const l = new EventFactory('later', 'call');
    for (const e of [c.promiseMade(`${D}10:00:00Z`, 'x', `${D}10:05:00Z`), l.queued(`${D}10:00:00Z`), l.answered(`${D}10:20:00Z`), c.promiseMade(`${D}11:00:00Z`, 'y', `${D}11:05:00Z`)]) sim.process(e);
    const until = Date.parse(`${D}10:10:00Z`);
    sim.finish(until);
    // x breached at 10:05; y started 11:00 (after until); the call wait breached at 10:01 (the answer at 10:20 changes nothing)
    expect(sim.summary(until)).toEqual([
      { type: 'sla.summary', policyId: 'calls', metric: 'queueWait', clocks: 1, met: 0, breached: 1, running: 0, attainment: 0 },
      { type: 'sla.summary', policyId: null, metric: 'promise', clocks: 1, met: 0, breached: 1, running: 0, attainment: 0 },
    ]);
    // a wait answered after --until in time counts as running at --until
    const s2 = new SlaSimulator(set);
    const m = new EventFactory('m', 'call');
    for (const e of [m.queued(`${D}10:09:30Z`), m.answered(`${D}10:10:20Z`)]) s2.process(e);
    s2.finish(until);
    expect(s2.summary(until)).toEqual([{ type: 'sla.summary', policyId: 'calls', metric: 'queueWait', clocks: 1, met: 0, breached: 0, running: 1, attainment: null }]);
  });
});
