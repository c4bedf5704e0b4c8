// Policy changes mid-conversation (docs/contract.md (SLA semantics)), each rule with hand-worked instants.
import { applyEvent, type SlaCompletion, type SlaFiring } from './engine';
import { parsePolicies, type PolicySet } from './policy';
import { SlaSimulator } from './simulator';
import { EventFactory } from './testing/events';

const policies = parsePolicies(`
calendars:
  office:
    timezone: Europe/Berlin
    hours: { mon: ["08:00-18:00"], tue: ["08:00-18:00"], wed: ["08:00-18:00"], thu: ["08:00-18:00"], fri: ["08:00-18:00"] }
policies:
  - id: urgent-chat
    match: { channel: chat, priority: [urgent] }
    targets: { firstResponse: PT1M, nextResponse: PT2M, resolution: PT1H }
    warnAt: [0.5]
  - id: vip-chat
    match: { channel: chat, tier: [vip] }
    targets: { firstResponse: PT2M, resolution: PT2H }
    warnAt: [0.8]
  - id: chat-billing
    match: { channel: chat, tags: [billing] }
    targets: { resolution: PT4H }
  - id: chat
    match: { channel: chat }
    targets: { firstResponse: PT10M, resolution: PT8H }
    warnAt: [0.5]
  - id: email-fast
    match: { channel: email, priority: [high] }
    calendar: office
    targets: { firstResponse: PT1H }
  - id: email-office
    match: { channel: email, priority: [low] }
    calendar: office
    targets: { firstResponse: PT4H, resolution: PT20H }
  - id: email
    match: { channel: email }
    targets: { firstResponse: PT4H, resolution: PT20H }
  - id: hotline-vip
    match: { channel: call, queue: [vip-line] }
    targets: { queueWait: PT20S }
  - id: phone
    match: { channel: call }
    targets: { queueWait: PT60S }
`);

function sim(events: ReturnType<EventFactory['make']>[], until: string, set: PolicySet = policies): { firings: SlaFiring[]; completions: SlaCompletion[] } {
  const s = new SlaSimulator(set);
  for (const e of events) s.process(e);
  return { firings: s.finish(Date.parse(until)), completions: s.completions };
}
const view = (fs: SlaFiring[], metric?: string) =>
  fs.filter((f) => !metric || f.data.metric === metric).map((f) => `${f.kind} ${f.data.metric} ${f.data.policyId} at=${f.data.at.slice(11, 23)} due=${f.data.dueAt.slice(11, 23)}`);

const D = '2026-03-03T'; // a Tuesday; chat policies are 24/7 (UTC instants)

describe('the first matching policy is chosen again when attributes change', () => {
  it('priority raised mid-way: the urgent targets apply, a warning they put in the past fires at its instant', () => {
    const c = new EventFactory('up');
    const { firings } = sim([c.opened(`${D}10:00:00Z`), c.customer(`${D}10:00:00Z`), c.updated(`${D}10:00:40Z`, { priority: 'urgent' })], `${D}12:00:00Z`);
    // chat: firstResponse 10 min (0.5 at 10:05). At 10:00:40 urgent-chat: 1 min, 0.5 = 30 s → 10:00:30,
    // already past: fires at once with at=10:00:30; the breach at 10:01:00 is still ahead.
    // resolution from 10:00 under urgent-chat: 1 h → 0.5 at 10:30, breach 11:00.
    expect(view(firings)).toEqual([
      'warning firstResponse urgent-chat at=10:00:30.000 due=10:01:00.000',
      'breached firstResponse urgent-chat at=10:01:00.000 due=10:01:00.000',
      'warning resolution urgent-chat at=10:30:00.000 due=11:00:00.000',
      'breached resolution urgent-chat at=11:00:00.000 due=11:00:00.000',
    ]);
  });

  it('priority lowered: fired fractions never fire again, the breach moves to the new target', () => {
    const c = new EventFactory('down');
    const { firings } = sim([c.opened(`${D}10:00:00Z`, { priority: 'urgent' }), c.customer(`${D}10:00:00Z`), c.updated(`${D}10:00:45Z`, { priority: 'normal' })], `${D}12:00:00Z`);
    // urgent 0.5 fired at 10:00:30; chat also warns at 0.5 (10:05): not again. chat breach 10:00 + 10 min.
    expect(view(firings, 'firstResponse')).toEqual([
      'warning firstResponse urgent-chat at=10:00:30.000 due=10:01:00.000',
      'breached firstResponse chat at=10:10:00.000 due=10:10:00.000',
    ]);
  });

  it('a fraction the old policy did not have fires under the new one, also when it lies before a fired one', () => {
    const c = new EventFactory('lower');
    const { firings } = sim([c.opened(`${D}10:00:00Z`, { tier: 'vip' }), c.customer(`${D}10:00:00Z`), c.updated(`${D}10:01:50Z`, { tier: 'standard' })], `${D}10:30:00Z`);
    // vip 0.8 of 2 min = 96 s → 10:01:36 fired; chat's 0.5 of 10 min → 10:05 (never fired: fires), breach 10:10
    expect(view(firings, 'firstResponse')).toEqual([
      'warning firstResponse vip-chat at=10:01:36.000 due=10:02:00.000',
      'warning firstResponse chat at=10:05:00.000 due=10:10:00.000',
      'breached firstResponse chat at=10:10:00.000 due=10:10:00.000',
    ]);
  });

  it('fractions are never fired twice but a lower one the new policy lists fires, even in the past', () => {
    const c = new EventFactory('past-lower');
    const { firings } = sim([c.opened(`${D}10:00:00Z`, { tier: 'vip' }), c.customer(`${D}10:00:00Z`), c.updated(`${D}10:01:50Z`, { priority: 'urgent' })], `${D}10:30:00Z`);
    // vip 0.8 fired at 10:01:36. urgent (1 min, warnAt 0.5): 0.5 → 10:00:30 and 1 → 10:01:00, both past
    expect(view(firings, 'firstResponse')).toEqual([
      'warning firstResponse urgent-chat at=10:00:30.000 due=10:01:00.000',
      'breached firstResponse urgent-chat at=10:01:00.000 due=10:01:00.000',
      'warning firstResponse vip-chat at=10:01:36.000 due=10:02:00.000',
    ]);
  });

  it('a tier change that puts warning and breach in the past fires both at once with their exact instants', () => {
    const c = new EventFactory('tier');
    const { firings } = sim([c.opened(`${D}10:00:00Z`), c.customer(`${D}10:00:00Z`), c.updated(`${D}10:06:00Z`, { tier: 'vip' })], `${D}10:30:00Z`);
    // chat 0.5 at 10:05 fired before the update. vip: 0.8 × 2 min → 10:01:36, breach 10:02:00, both past
    expect(view(firings, 'firstResponse')).toEqual([
      'warning firstResponse vip-chat at=10:01:36.000 due=10:02:00.000',
      'breached firstResponse vip-chat at=10:02:00.000 due=10:02:00.000',
      'warning firstResponse chat at=10:05:00.000 due=10:10:00.000',
    ]);
  });

  it('a threshold exactly at the change instant fires at that instant; the old policy’s at that instant fires first', () => {
    const a = new EventFactory('at1');
    // urgent 0.5 of 1 min from 10:00:00 = 10:00:30 = the update's time
    expect(view(sim([a.opened(`${D}10:00:00Z`), a.customer(`${D}10:00:00Z`), a.updated(`${D}10:00:30Z`, { priority: 'urgent' })], `${D}10:00:59Z`).firings, 'firstResponse')).toEqual([
      'warning firstResponse urgent-chat at=10:00:30.000 due=10:01:00.000',
    ]);
    const b = new EventFactory('at2');
    // chat 0.5 at 10:05:00 = the update's time: fires (the event comes after it), then vip's past thresholds
    const out = sim([b.opened(`${D}10:00:00Z`), b.customer(`${D}10:00:00Z`), b.updated(`${D}10:05:00Z`, { tier: 'vip' })], `${D}10:30:00Z`).firings;
    expect(view(out, 'firstResponse')).toEqual([
      'warning firstResponse vip-chat at=10:01:36.000 due=10:02:00.000',
      'breached firstResponse vip-chat at=10:02:00.000 due=10:02:00.000',
      'warning firstResponse chat at=10:05:00.000 due=10:10:00.000',
    ]);
  });

  it('tags replace the list; a metric the new policy has no target for stops without an event', () => {
    const c = new EventFactory('tags');
    const { firings, completions } = sim([c.opened(`${D}10:00:00Z`), c.customer(`${D}10:00:10Z`), c.updated(`${D}10:03:00Z`, { tags: ['billing'] })], `${D}12:00:00Z`);
    // chat-billing has no firstResponse: chat's 0.5 at 10:05:10 never fires; resolution 4 h from 10:00 → 14:00
    expect(view(firings)).toEqual([]);
    expect(completions.map((x) => `${x.outcome} ${x.metric} ${x.policyId}`)).toEqual(['dropped firstResponse chat']);
  });

  it('a metric the old policy had no target for counts from its own start event', () => {
    const c = new EventFactory('newly');
    const { firings } = sim([c.opened(`${D}10:00:00Z`, { tags: ['billing'] }), c.customer(`${D}10:00:10Z`), c.updated(`${D}10:03:00Z`, { tags: [] })], `${D}12:00:00Z`);
    // chat-billing: no firstResponse; the first customer message (10:00:10) is kept; chat: 10 min from it
    expect(view(firings)).toEqual(['warning firstResponse chat at=10:05:10.000 due=10:10:10.000', 'breached firstResponse chat at=10:10:10.000 due=10:10:10.000']);
  });

  it('a queue that `cx.call.queued` makes known selects the policy for the wait it starts', () => {
    const c = new EventFactory('q', 'call');
    const out = sim([c.opened(`${D}10:00:00Z`), c.queued(`${D}10:00:05Z`, undefined, 'vip-line')], `${D}10:05:00Z`).firings;
    expect(view(out)).toEqual(['breached queueWait hotline-vip at=10:00:25.000 due=10:00:25.000']);
    // a transfer to another queue while waiting re-plans the same wait: 20 s from 10:00:00 → past, at=10:00:20
    const t = new EventFactory('transfer', 'call');
    const moved = sim([t.queued(`${D}10:00:00Z`, undefined, 'care'), t.queued(`${D}10:00:30Z`, undefined, 'vip-line')], `${D}10:05:00Z`).firings;
    expect(view(moved)).toEqual(['breached queueWait hotline-vip at=10:00:20.000 due=10:00:20.000']);
  });
});

describe('time used is counted under the calendar in force at each moment', () => {
  const M = '2026-03-02T'; // a Monday, CET = UTC+1
  it('24/7 until the change, office hours from it on', () => {
    const e = new EventFactory('cal1', 'email');
    // Mon 18:30 CET (17:30Z) under `email` (24/7, 4 h). At 19:30 CET priority low → email-office.
    // Used: 1 h (24/7). From 19:30 CET the office counts: closed until Tue 08:00 CET; 3 h → 11:00 CET = 10:00Z.
    // resolution (20 h): 1 h used, Tue 10 h, Wed 9 h → Wed 17:00 CET = 16:00Z
    const out = sim([e.opened(`${M}17:30:00Z`), e.customer(`${M}17:30:00Z`), e.updated(`${M}18:30:00Z`, { priority: 'low' })], '2026-03-06T00:00:00Z').firings;
    expect(out.map((f) => `${f.data.metric} ${f.data.policyId} ${f.data.at}`)).toEqual([
      'firstResponse email-office 2026-03-03T10:00:00.000Z',
      'resolution email-office 2026-03-04T16:00:00.000Z',
    ]);
    // evidence: out-of-hours only from the change on (Mon 18:30Z … Tue 07:00Z)
    expect(out[0].data.outOfHoursPeriods).toEqual([{ from: `${M}18:30:00.000Z`, to: '2026-03-03T07:00:00.000Z' }]);
  });

  it('office hours until the change, 24/7 from it on', () => {
    const e = new EventFactory('cal2', 'email');
    // Mon 17:00 CET (16:00Z) under email-office: 1 h counted Mon 17-18 CET; closed until Tue 08:00.
    // Tue 06:00 CET (05:00Z) priority normal → email (24/7): 3 h left → 08:00Z
    const out = sim([e.opened(`${M}16:00:00Z`, { priority: 'low' }), e.customer(`${M}16:00:00Z`), e.updated('2026-03-03T05:00:00Z', { priority: 'normal' })], '2026-03-03T12:00:00Z').firings;
    expect(view(out)).toEqual(['breached firstResponse email at=08:00:00.000 due=08:00:00.000']);
  });

  it('a past threshold’s instant is where the count under the old calendar crossed it', () => {
    const e = new EventFactory('cal3', 'email');
    // Mon 17:30 CET (16:30Z) under email (24/7). At 19:30 CET (18:30Z) priority high → email-fast
    // (office, 1 h): 2 h already used (24/7) ≥ 1 h: it crossed 1 h at 17:30Z (24/7 counting), not on Tuesday.
    const out = sim([e.opened(`${M}16:30:00Z`), e.customer(`${M}16:30:00Z`), e.updated(`${M}18:30:00Z`, { priority: 'high' })], '2026-03-04T00:00:00Z').firings;
    expect(out.map((f) => `${f.kind} ${f.data.metric} ${f.data.policyId} at=${f.data.at} due=${f.data.dueAt}`)).toEqual([
      `breached firstResponse email-fast at=${M}17:30:00.000Z due=${M}17:30:00.000Z`,
    ]);
  });
});

describe('a change while resolved applies when it reopens', () => {
  it('does nothing until the reopen, then re-plans from the reopen instant', () => {
    const c = new EventFactory('res');
    const base = [c.opened(`${D}10:00:00Z`), c.customer(`${D}10:00:00Z`), c.agent(`${D}10:00:30Z`), c.status(`${D}10:40:00Z`, 'resolved'), c.updated(`${D}10:45:00Z`, { priority: 'urgent' })];
    // resolved at 10:40 with 40 min used (chat: 8 h). Applied at once, urgent's 0.5 (30 min) would be past.
    expect(view(sim(base, `${D}18:00:00Z`).firings)).toEqual([]);
    // reopened 11:00: urgent-chat from then on; 0.5 of 1 h = 30 min was crossed at 10:30 (fires, past);
    // breach: 20 min after 11:00 = 11:20. The reopening message starts nextResponse (2 min): 11:01, 11:02.
    const out = sim([...base, c.customer(`${D}11:00:00Z`)], `${D}18:00:00Z`).firings;
    expect(view(out)).toEqual([
      'warning resolution urgent-chat at=10:30:00.000 due=11:20:00.000',
      'warning nextResponse urgent-chat at=11:01:00.000 due=11:02:00.000',
      'breached nextResponse urgent-chat at=11:02:00.000 due=11:02:00.000',
      'breached resolution urgent-chat at=11:20:00.000 due=11:20:00.000',
    ]);
  });
});

describe('channel and unknown conversations', () => {
  it('an update naming another channel is ignored and reported', () => {
    const c = new EventFactory('ch');
    const s1 = applyEvent(undefined, c.opened(`${D}10:00:00Z`), policies).state;
    const r = applyEvent(s1, c.updated(`${D}10:01:00Z`, { channel: 'email', priority: 'urgent' }), policies);
    expect(r.outcome).toBe('ignored-channel-change');
    expect(r.state.a).toEqual(s1.a);
    expect(r.state.pi).toBe('chat');
    expect(applyEvent(r.state, c.updated(`${D}10:01:00Z`, { channel: 'email' }, 'ch-2'), policies).outcome).toBe('duplicate');
  });

  it('an update for an unknown conversation opens it, like any first event', () => {
    const c = new EventFactory('first');
    // resolution from 10:00 under urgent-chat: 0.5 at 10:30, breach 11:00
    expect(view(sim([c.updated(`${D}10:00:00Z`, { priority: 'urgent' })], `${D}12:00:00Z`).firings)).toEqual([
      'warning resolution urgent-chat at=10:30:00.000 due=11:00:00.000',
      'breached resolution urgent-chat at=11:00:00.000 due=11:00:00.000',
    ]);
  });
});
