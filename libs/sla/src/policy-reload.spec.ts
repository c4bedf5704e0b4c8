// Live reload, pure part: a new policy file applied as a policy change at the reload instant.
import { applyEvent, fire, reloadPolicies, timersOf, type SlaState } from './engine';
import { parsePolicies } from './policy';
import { EventFactory } from './testing/events';

const before = parsePolicies(`
calendars:
  office: { timezone: Europe/Berlin, hours: { mon: ["08:00-18:00"], tue: ["08:00-18:00"], wed: ["08:00-18:00"], thu: ["08:00-18:00"], fri: ["08:00-18:00"] } }
policies:
  - { id: chat, match: { channel: chat }, targets: { firstResponse: PT10M, resolution: PT8H }, warnAt: [0.5] }
  - { id: mail, match: { channel: email }, calendar: office, targets: { firstResponse: PT4H } }
`);
const after = parsePolicies(`
policies:
  - { id: chat, match: { channel: chat }, targets: { firstResponse: PT2M, resolution: PT1H }, warnAt: [0.5, 0.9] }
  - { id: mail-24x7, match: { channel: email }, targets: { firstResponse: PT4H } }
`);
const D = '2026-03-03T';
const at = (iso: string) => Date.parse(iso);
const fmt = (fs: { kind: string; data: { metric: string; policyId: string | null; threshold: number; at: string } }[]) => fs.map((f) => `${f.kind} ${f.data.metric} ${f.data.policyId} ${f.data.threshold} at=${f.data.at.slice(11, 19)}`);

function chatState(): SlaState {
  const c = new EventFactory('c1');
  let s = applyEvent(undefined, c.opened(`${D}10:00:00Z`), before).state;
  s = applyEvent(s, c.customer(`${D}10:00:00Z`), before).state;
  return s;
}

describe('reloadPolicies', () => {
  it('re-plans running clocks with the new targets; thresholds the new file puts in the past fire at once with their instant', () => {
    // firstResponse from 10:00; reload at 10:01:30: new target 2 min → 0.5 at 10:01:00 (past), 0.9 at 10:01:48
    const r = reloadPolicies('c1', chatState(), at(`${D}10:01:30Z`), after, before);
    expect(fmt(r.firings)).toEqual(['warning firstResponse chat 0.5 at=10:01:00']);
    expect(r.schedule).toContainEqual({ conversationId: 'c1', clock: 'fr', metric: 'firstResponse', threshold: 0.9, dueAt: at(`${D}10:01:48Z`) });
    // the 0.9 timer then fires, then the breach at 10:02
    const f1 = fire(r.state, r.schedule.find((t) => t.clock === 'fr')!, after);
    expect(fmt(f1.firings)).toEqual(['warning firstResponse chat 0.9 at=10:01:48']);
  });

  it('thresholds of the old file due by the reload instant fire first; applying the same file again fires nothing', () => {
    // old 0.5 of 10 min at 10:05; reload at 10:06 → fires (old), then new: 0.9 (10:01:48) and breach (10:02) past
    const r = reloadPolicies('c1', chatState(), at(`${D}10:06:00Z`), after, before);
    expect(fmt(r.firings)).toEqual(['warning firstResponse chat 0.5 at=10:05:00', 'warning firstResponse chat 0.9 at=10:01:48', 'breached firstResponse chat 1 at=10:02:00']);
    const again = reloadPolicies('c1', r.state, at(`${D}10:07:00Z`), after, after);
    expect(again.firings).toEqual([]);
    expect(again.schedule).toEqual([]);
    expect(timersOf('c1', again.state!, after)).toEqual(timersOf('c1', r.state!, after));
  });

  it('a resolved conversation takes the new file when it reopens', () => {
    const c = new EventFactory('c1');
    let s = chatState();
    s = applyEvent(s, c.status(`${D}10:00:20Z`, 'resolved', 'st-1'), before).state;
    const r = reloadPolicies('c1', s, at(`${D}10:30:00Z`), after, before);
    expect(r.firings).toEqual([]);
    expect(r.state!.rm).toBe(1);
    // reopened at 10:40 with 20 s used: the new 1 h target, 0.5 after 30 min counted → 10:40 + 29:40
    const reopened = applyEvent(r.state, c.customer(`${D}10:40:00Z`, 'm-2'), after);
    expect(reopened.state.rm).toBeUndefined();
    expect(reopened.schedule).toContainEqual({ conversationId: 'c1', clock: 'res', metric: 'resolution', threshold: 0.5, dueAt: at(`${D}11:09:40Z`) });
  });

  it('counts the time before the reload with the old calendar (also when the new file drops it)', () => {
    const e = new EventFactory('m1', 'email');
    // Mon 2026-03-02 17:00 CET (16:00Z) under `mail` (office): 1 h counted Mon 17-18 CET.
    let s = applyEvent(undefined, e.customer('2026-03-02T16:00:00Z'), before).state;
    // reload at Tue 05:00Z (06:00 CET): 24/7 from then, 3 h left → 08:00Z
    const r = reloadPolicies('m1', s, at('2026-03-03T05:00:00Z'), after, before);
    expect(r.state!.pi).toBe('mail-24x7');
    expect(r.schedule).toEqual([{ conversationId: 'm1', clock: 'fr', metric: 'firstResponse', threshold: 1, dueAt: at('2026-03-03T08:00:00Z') }]);
    s = r.state!;
    expect(s.k.fr.kc).toEqual([[at('2026-03-03T05:00:00Z'), 'office']]);
  });
});
