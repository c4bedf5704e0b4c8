// The Redis form of a state: compact, exact, and readable when written by an older version.
import { applyEvent, decodeState, encodeState, fire, timersOf, type SlaState } from './engine';
import { parsePolicies } from './policy';
import { EventFactory } from './testing/events';

const policies = parsePolicies(`
calendars:
  office: { timezone: Europe/Berlin, hours: { mon: ["08:00-18:00"], tue: ["08:00-18:00"], wed: ["08:00-18:00"], thu: ["08:00-18:00"], fri: ["08:00-18:00"] } }
policies:
  - { id: vip, match: { channel: chat, tier: [vip] }, targets: { firstResponse: PT1M, resolution: PT2H }, warnAt: [0.8] }
  - { id: chat, match: { channel: chat }, calendar: office, targets: { firstResponse: PT10M, resolution: PT8H }, warnAt: [0.5] }
`);
const D = '2026-03-03T';

describe('encodeState / decodeState', () => {
  it('round-trips every field: tuples for clocks, periods, calendar pieces, fired sets, traces, kept promises', () => {
    const c = new EventFactory('codec');
    c.envelope = { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00', tracestate: 'a=1' };
    let s: SlaState | undefined;
    for (const e of [
      c.opened(`${D}10:00:00Z`),
      c.customer(`${D}10:00:05Z`),
      c.updated(`${D}10:06:00Z`, { tier: 'vip' }), // chat (office) → vip (24/7): calendar pieces, fired sets
      c.status(`${D}10:10:00Z`, 'on_hold'),
      c.status(`${D}10:20:00Z`, 'open'),
      c.promiseMade(`${D}10:21:00Z`, 'a', `${D}11:00:00Z`),
      c.promiseKept(`${D}10:22:00Z`, 'a'),
      c.status(`${D}10:30:00Z`, 'resolved'),
    ]) s = applyEvent(s, { ...e, tenantid: 't1' }, policies).state;
    expect(s!.k.res).toMatchObject({ m: 1, kc: [[Date.parse(`${D}10:06:00Z`), 'office']], pp: [[Date.parse(`${D}10:10:00Z`), Date.parse(`${D}10:20:00Z`)]] });
    const text = encodeState(s!);
    expect(decodeState(text)).toEqual(s);
    expect(encodeState(decodeState(text))).toBe(text);
    expect(text.length).toBeLessThan(JSON.stringify(s).length);
    expect(text).not.toContain('"st":"o"');
  });

  it('a running clock is a short tuple [s, r, d, th]', () => {
    const c = new EventFactory('tuple');
    const s = applyEvent(undefined, c.opened(`${D}10:00:00Z`, { tier: 'vip' }), policies).state;
    // resolution from t0: s = r = 0, 0.8 of 2 h = 96 min = 5,760,000 ms
    expect(JSON.parse(encodeState(s)).k).toEqual({ res: [0, 0, 5_760_000, 0.8] });
  });

  it('reads states written in the older object form, where `f` was the highest fraction fired', () => {
    // vip firstResponse from 10:00:10, 0.8 fired (f: 0.8, due the breach at 10:01:10 = 60,000 after s)
    const legacy = JSON.stringify({ v: 1, st: 'o', t0: Date.parse(`${D}10:00:00Z`), lt: 10_000, fr: 1, a: { c: 'chat', t: 'vip' }, pi: 'vip', k: { res: { s: 0, r: 0, d: 5_760_000 }, fr: { s: 10_000, r: 10_000, f: 0.8, d: 70_000 } }, ids: '' });
    const s = decodeState(legacy);
    expect(s.k.fr).toEqual({ s: Date.parse(`${D}10:00:10Z`), r: Date.parse(`${D}10:00:10Z`), fl: 0.8, d: Date.parse(`${D}10:01:10Z`) });
    // its pending timer is the breach (the policy's next threshold after 0.8), and fires once
    const timer = timersOf('legacy', s, policies).find((t) => t.clock === 'fr')!;
    expect(timer.threshold).toBe(1);
    const r = fire(s, timer, policies);
    expect(r.firings.map((f) => `${f.kind} ${f.data.at}`)).toEqual([`breached ${D}10:01:10.000Z`]);
    expect(r.state.k.fr.f).toEqual([1]);
  });
});
