// W3C trace context of the event that started a clock, carried onto its warnings and breaches.
import { SlaBreachedV1 } from '@cx/contracts';
import { applyEvent, decodeState, encodeState, fire, timersOf, type SlaState } from './engine';
import { parsePolicies } from './policy';
import { toSlaEvent } from './sla-event';
import { SlaSimulator } from './simulator';
import { EventFactory } from './testing/events';
import { loadTrace, storeTrace } from './trace-context';

const policies = parsePolicies(`
policies:
  - { id: chat, match: { channel: chat }, targets: { firstResponse: PT1M, resolution: PT1H }, warnAt: [0.5] }
`);
const D = '2026-03-03T';
const TP_OPEN = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
const TP_MSG = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
const TP_PROMISE = '00-11112222333344445555666677778888-1234567890abcdef-00';

describe('trace context on SLA outputs', () => {
  it('a firing carries the traceparent (and tracestate) of the event that started its clock', () => {
    const c = new EventFactory('tr');
    const sim = new SlaSimulator(policies);
    c.envelope = { traceparent: TP_OPEN };
    sim.process(c.opened(`${D}10:00:00Z`));
    c.envelope = { traceparent: TP_MSG, tracestate: 'acme=7,other=x' };
    sim.process(c.customer(`${D}10:00:10Z`));
    c.envelope = { traceparent: TP_PROMISE };
    sim.process(c.promiseMade(`${D}10:00:20Z`, 'cb', `${D}10:10:00Z`));
    c.envelope = {};
    sim.process(c.assigned(`${D}10:00:30Z`)); // starts nothing: traces stay those of the starting events
    const out = sim.finish(Date.parse(`${D}12:00:00Z`));
    const byMetric = (m: string) => out.filter((f) => f.data.metric === m).map((f) => f.trace);
    expect(byMetric('firstResponse')).toEqual([{ traceparent: TP_MSG, tracestate: 'acme=7,other=x' }, { traceparent: TP_MSG, tracestate: 'acme=7,other=x' }]);
    expect(byMetric('resolution')).toEqual([{ traceparent: TP_OPEN }, { traceparent: TP_OPEN }]);
    expect(byMetric('promise')).toEqual([{ traceparent: TP_PROMISE }, { traceparent: TP_PROMISE }]);
    const event = toSlaEvent(out.find((f) => f.kind === 'breached' && f.data.metric === 'firstResponse')!);
    expect(event).toMatchObject({ traceparent: TP_MSG, tracestate: 'acme=7,other=x' });
    expect(SlaBreachedV1.safeParse(event).success).toBe(true);
  });

  it('survives the timer path: the state keeps it compactly (32 characters when sampled) through encodeState', () => {
    const c = new EventFactory('tr2');
    c.envelope = { traceparent: TP_OPEN };
    let s: SlaState = applyEvent(undefined, c.opened(`${D}10:00:00Z`), policies).state;
    c.envelope = { traceparent: TP_MSG };
    s = applyEvent(s, c.customer(`${D}10:00:10Z`), policies).state;
    expect(s.tp).toHaveLength(32); // the conversation's (first event, resolution)
    expect(s.k.res.tp).toBeUndefined();
    expect(s.k.fr.tp).toHaveLength(32);
    const decoded = decodeState(encodeState(s));
    const timer = timersOf('tr2', decoded, policies).find((t) => t.clock === 'fr')!;
    const r = fire(decoded, timer, policies);
    expect(r.firings[0].trace).toEqual({ traceparent: TP_MSG });
  });

  it('is stored once when the first event starts several clocks; a late older first event takes over the default', () => {
    const c = new EventFactory('tr4');
    c.envelope = { traceparent: TP_MSG };
    let s: SlaState = applyEvent(undefined, c.customer(`${D}10:00:10Z`), policies).state;
    expect(Object.keys(s.k).sort()).toEqual(['fr', 'res']);
    expect([s.k.fr.tp, s.k.res.tp, s.tp?.length]).toEqual([undefined, undefined, 32]);
    c.envelope = { traceparent: TP_OPEN };
    s = applyEvent(s, c.opened(`${D}10:00:00Z`), policies).state; // older: resolution now starts at 10:00
    const sim = new SlaSimulator(policies);
    sim.states.set('tr4', s);
    for (const t of timersOf('tr4', s, policies)) sim.timers.upsert(t);
    const out = sim.finish(Date.parse(`${D}12:00:00Z`));
    expect(out.filter((f) => f.data.metric === 'resolution').map((f) => f.trace?.traceparent)).toEqual([TP_OPEN, TP_OPEN]);
    expect(out.filter((f) => f.data.metric === 'firstResponse').map((f) => f.trace?.traceparent)).toEqual([TP_MSG, TP_MSG]);
  });

  it('an event without a valid traceparent starts clocks without one', () => {
    const c = new EventFactory('tr3');
    c.envelope = { traceparent: 'not-a-traceparent' };
    const s = applyEvent(undefined, c.customer(`${D}10:00:00Z`), policies).state;
    expect(s.k.fr.tp).toBeUndefined();
    expect(s.tp).toBeUndefined();
    expect(storeTrace({})).toEqual({});
    // a conversation opened by a traced event: a clock started by an untraced one holds "none"
    const d = new EventFactory('tr5');
    d.envelope = { traceparent: TP_OPEN };
    let t = applyEvent(undefined, d.opened(`${D}10:00:00Z`), policies).state;
    d.envelope = {};
    t = applyEvent(t, d.customer(`${D}10:00:05Z`), policies).state;
    expect(t.k.fr.tp).toBe('');
    const timer = timersOf('tr5', t, policies).find((x) => x.clock === 'fr')!;
    expect(fire(t, timer, policies).firings[0].trace).toBeUndefined();
  });

  it('round-trips every valid traceparent; other versions are kept as sent', () => {
    for (const tp of [TP_OPEN, TP_MSG, TP_PROMISE, '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-03', 'cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01']) {
      expect(loadTrace(storeTrace({ traceparent: tp }))).toEqual({ traceparent: tp });
    }
    expect(storeTrace({ traceparent: TP_MSG }).tp).toHaveLength(32);
    expect(storeTrace({ traceparent: TP_PROMISE }).tp).toHaveLength(34); // flags 00
    expect(storeTrace({ traceparent: TP_MSG, tracestate: 'x'.repeat(600) })).not.toHaveProperty('ts');
  });
});
