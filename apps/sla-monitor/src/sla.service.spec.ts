import { InteractionTopics, type InteractionEvent } from '@cx/contracts';
import { PipelineMetrics } from '@cx/metrics';
import { KeySpace } from '@cx/redis';
import { UnitRunner, type Committer } from '@cx/runtime';
import { MemoryStore } from '../../../libs/runtime/src/testing/memory-store';
import { compilePolicies, parseAttainmentField, parsePolicies } from '@cx/sla';
import { TestSpans } from '../../../libs/tracing/src/testing';
import { PolicyVersions } from './sla-policy-versions';
import { EventFactory } from '../../../libs/sla/src/testing/events';
import { convKey, SlaKeys } from './sla-keys';
import { SlaMetrics } from './sla-metrics';
import { SlaHandler } from './sla.handler';
import { SlaScheduler } from './sla.scheduler';
import type { WatermarkReader } from './sla-watermarks';

const policies = compilePolicies({
  policies: [{ id: 'chat', match: { channel: 'chat' }, targets: { firstResponse: 'PT60S', resolution: 'PT1H' }, warnAt: [0.5] }],
}, 'test');
const T0 = Date.parse('2026-03-02T10:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();

/** The consumer and the scheduler over one in-memory store, with the watermark and the clock set by the test. */
async function setup() {
  const space = new KeySpace('', 'sla', 4);
  const store = new MemoryStore(space);
  const keys = new SlaKeys(space);
  const metrics = new SlaMetrics(new PipelineMetrics('sla-test'), policies.policies, async () => ({}));
  let now = T0;
  const holder = new PolicyVersions(store.redis as never, keys, () => now);
  await holder.use({ set: policies, text: 'policies v1' });
  const handler = new SlaHandler(store.redis as never, keys, holder, { stateTtlSeconds: 3600, closedTtlSeconds: 3600, escalateOn: 'breach' });
  const runner = new UnitRunner(store.redis as never, { keys: space, apply: (p: never) => store.committer.apply(p) } as unknown as Committer, new PipelineMetrics('sla-runner'));
  let watermark = Number.MAX_SAFE_INTEGER;
  const reader = { current: async () => watermark, possibleAt: (at: number) => at } as unknown as WatermarkReader;
  const scheduler = (o: { tickMs?: number; claimBatch?: number } = {}) => new SlaScheduler(store.redis as never, keys, store.committer as unknown as Committer, holder, reader, metrics,
    { tickMs: 10, claimBatch: 100, leaseMs: 5_000, graceMs: 0, escalateOn: 'breach', ...o }, () => now);
  const consume = (...events: InteractionEvent[]) => runner.run([{
    topic: InteractionTopics[0], handler, invalid: [],
    items: events.map((event, i) => ({ event, topic: InteractionTopics[0], partition: 0, offset: String(i), raw: { key: null, value: null } })),
  }]);
  const dueOf = (conv: string) => store.zsets.get(keys.due(keys.conversation(convKey({ tenantid: 'default', conversationId: conv })).shard))?.get(conv);
  return { store, keys, scheduler, consume, dueOf, versions: holder, setNow: (ms: number) => { now = ms; }, setWatermark: (ms: number) => { watermark = ms; } };
}

describe('SlaHandler (consumer) with an in-memory store', () => {
  it('writes the state and the earliest due instant, publishes nothing before a threshold', async () => {
    const { store, consume, dueOf } = await setup();
    const f = new EventFactory('c1');
    await consume(f.opened(iso(T0)), f.customer(iso(T0 + 1_000)));
    expect(store.published).toEqual([]);
    expect(dueOf('c1')).toBe(T0 + 31_000); // the warning at 50 % of 60 s
    const open = [...store.hashes.entries()].filter(([k]) => k.endsWith(':open')).map(([, h]) => Object.fromEntries(h));
    expect(open).toEqual([{ resolution: '1', firstResponse: '1' }]);
  });

  it('fires at once when an event is stamped past a threshold, and counts late and closed events once committed', async () => {
    const { store, consume } = await setup();
    const f = new EventFactory('c2');
    await consume(f.customer(iso(T0)), f.agent(iso(T0 + 90_000)), f.customer(iso(T0 + 10_000)), f.status(iso(T0 + 95_000), 'closed'), f.customer(iso(T0 + 99_000)));
    expect(store.published.map((o) => `${o.topic} ${o.event.type}`)).toEqual([
      'cx.sla cx.sla.warning.v1', 'cx.sla cx.sla.breached.v1', 'cx.escalations cx.escalation.requested.v1',
    ]);
    const counted = (metric: string) => store.counts.filter((c) => c.metric === metric).map((c) => c.labels);
    expect(counted('cx_sla_late_events_total')).toHaveLength(1);
    expect(counted('cx_sla_dropped_events_total')).toEqual([{ reason: 'closed' }]);
    expect(counted('cx_sla_breaches_total')).toEqual([{ metric: 'firstResponse', policy: 'chat' }]);
  });

  it('applies a redelivered event once', async () => {
    const { store, consume } = await setup();
    const f = new EventFactory('c2b');
    const first = f.customer(iso(T0));
    const reply = f.agent(iso(T0 + 90_000));
    await consume(first, reply);
    await consume(first, reply);
    expect(store.ofType('cx.sla.breached.v1')).toHaveLength(1);
  });
});

describe('SlaScheduler with an in-memory store', () => {
  it('fires each threshold once at its instant, with the escalation request, and schedules the next', async () => {
    const { store, scheduler, consume, setNow, dueOf } = await setup();
    const f = new EventFactory('c3');
    await consume(f.customer(iso(T0)));
    const s = scheduler();
    setNow(T0 + 29_000);
    expect(await s.tick()).toBe(0);
    setNow(T0 + 61_000);
    await s.tick();
    await s.tick();
    expect(store.ofType('cx.sla.warning.v1').map((e) => e.event.time)).toEqual([iso(T0 + 30_000)]);
    expect(store.ofType('cx.sla.breached.v1').map((e) => e.event.time)).toEqual([iso(T0 + 60_000)]);
    const request = store.ofType('cx.escalation.requested.v1');
    expect(request).toHaveLength(1);
    expect((request[0].event as unknown as { data: { reasons: { causeId: string }[] } }).data.reasons[0].causeId).toBe(store.ofType('cx.sla.breached.v1')[0].event.id);
    expect(dueOf('c3')).toBe(T0 + 1_800_000); // the resolution warning next
  });

  it('does not fire ahead of its input: a watermark behind the due instant holds the timer back', async () => {
    const { store, scheduler, consume, setNow, setWatermark } = await setup();
    const f = new EventFactory('c4');
    await consume(f.customer(iso(T0)));
    setNow(T0 + 61_000);
    setWatermark(T0 + 20_000); // the input is consumed only up to 20 s: the reply may still be unread
    await scheduler().tick();
    expect(store.published).toEqual([]);
    await consume(f.agent(iso(T0 + 45_000))); // the reply, read late, answers before the breach
    setWatermark(T0 + 61_000);
    await scheduler().tick();
    expect(store.ofType('cx.sla.warning.v1')).toHaveLength(1);
    expect(store.ofType('cx.sla.breached.v1')).toHaveLength(0);
  });

  it('does not overwrite a conversation the consumer changed meanwhile: it looks again shortly', async () => {
    const { store, scheduler, consume, setNow, dueOf } = await setup();
    const f = new EventFactory('c5');
    await consume(f.customer(iso(T0)));
    setNow(T0 + 31_000);
    const apply = store.committer.apply;
    store.committer.apply = async (parts) => {
      store.committer.apply = apply;
      await consume(f.message(iso(T0 + 20_000), 'bot')); // a consumer commit lands between the scheduler's read and its commit
      return apply(parts);
    };
    await scheduler().tick();
    expect(store.published).toEqual([]);
    expect(dueOf('c5')).toBe(T0 + 31_025);
    setNow(T0 + 31_100);
    await scheduler().tick();
    expect(store.ofType('cx.sla.warning.v1')).toHaveLength(1);
  });

  it('running, it claims again at once after a full batch in any shard, not a tick later', async () => {
    const { store, scheduler, consume, setNow } = await setup();
    const convs = Array.from({ length: 12 }, (_, i) => new EventFactory(`full-${i}`));
    await consume(...convs.map((f) => f.customer(iso(T0))));
    setNow(T0 + 61_000);
    // A tick far longer than the test: only a round started at once by a full batch can fire the rest.
    const s = scheduler({ tickMs: 600_000, claimBatch: 1 });
    s.start();
    try {
      const deadline = Date.now() + 4_000;
      while (store.ofType('cx.sla.breached.v1').length < convs.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    } finally {
      await s.stop();
    }
    expect(store.ofType('cx.sla.breached.v1').map((e) => e.event.subject).sort()).toEqual(convs.map((_, i) => `full-${i}`).sort());
  });

  it('two schedulers on one store fire each threshold once', async () => {
    const { store, scheduler, consume, setNow } = await setup();
    for (let i = 0; i < 20; i++) await consume(new EventFactory(`c6-${i}`).customer(iso(T0 + i)));
    setNow(T0 + 70_000);
    const [a, b] = [scheduler(), scheduler()];
    await Promise.all([a.tick(), b.tick(), a.tick(), b.tick()]);
    const ids = store.published.map((e) => e.event.id);
    expect(ids).toHaveLength(60);
    expect(new Set(ids).size).toBe(60);
  });

  it('with tracing on, fires in the trace of the message that started the clock: one span per firing round, on its events', async () => {
    const spans = new TestSpans('sla-monitor');
    try {
      const { store, scheduler, consume, setNow } = await setup();
      const f = new EventFactory('c7');
      f.envelope = { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', tracestate: 'vendor=7' };
      await consume(f.customer(iso(T0)));
      f.envelope = {};
      await consume(f.message(iso(T0 + 1_000), 'bot')); // a later event of another trace does not move the clock's
      setNow(T0 + 31_000);
      await scheduler().tick();
      setNow(T0 + 61_000);
      await scheduler().tick();
      const fired = spans.named('sla fire');
      expect(fired).toHaveLength(2);
      for (const s of fired) {
        expect(s.parentSpanContext).toMatchObject({ traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331' });
        expect(s.attributes).toMatchObject({ 'cx.tenant': 'default' });
      }
      expect(fired.map((s) => s.attributes['cx.event_types'])).toEqual([['cx.sla.warning.v1'], ['cx.escalation.requested.v1', 'cx.sla.breached.v1']]);
      const [warning, breach] = fired.map((s) => `00-0af7651916cd43dd8448eb211c80319c-${s.spanContext().spanId}-01`);
      const traceOf = (type: string) => store.ofType(type).map((e) => e.event as { traceparent?: string; tracestate?: string });
      expect(traceOf('cx.sla.warning.v1').map((e) => e.traceparent)).toEqual([warning]);
      expect([...traceOf('cx.sla.breached.v1'), ...traceOf('cx.escalation.requested.v1')].map((e) => [e.traceparent, e.tracestate]))
        .toEqual([[breach, 'vendor=7'], [breach, 'vendor=7']]);
    } finally {
      await spans.stop();
    }
  });
});

describe('policy reloads', () => {
  it('moves running clocks to a new file at the reload instant: a threshold put in the past fires at once, none twice', async () => {
    const { store, scheduler, consume, setNow, versions, dueOf } = await setup();
    const f = new EventFactory('c7');
    await consume(f.customer(iso(T0)));
    setNow(T0 + 31_000);
    await scheduler().tick(); // the warning at 30 s (50 % of 60 s) under the first file
    expect(store.ofType('cx.sla.warning.v1')).toHaveLength(1);
    // A tighter file at 40 s: first response within 20 s, warnings at 50 % and 90 %.
    setNow(T0 + 40_000);
    const tighter = parsePolicies('policies: [{ id: chat, match: { channel: chat }, targets: { firstResponse: PT20S }, warnAt: [0.5, 0.9] }]', 'v2.yaml');
    await versions.use({ set: tighter, text: 'policies v2' });
    expect(await scheduler().migrateAll()).toBe(1);
    const breach = store.ofType('cx.sla.breached.v1');
    expect(breach.map((e) => [e.event.time, (e.event as unknown as { data: { dueAt: string } }).data.dueAt])).toEqual([[iso(T0 + 20_000), iso(T0 + 20_000)]]);
    // The 50 % warning already fired under the first file, at 30 s: it does not fire again; 90 % (18 s) does, at its past instant.
    expect(store.ofType('cx.sla.warning.v1').map((e) => (e.event as unknown as { data: { threshold: number; at: string } }).data)).toEqual([
      expect.objectContaining({ threshold: 0.5, at: iso(T0 + 30_000) }), expect.objectContaining({ threshold: 0.9, at: iso(T0 + 18_000) }),
    ]);
    expect(dueOf('c7')).toBeUndefined(); // no resolution target in the new file, nothing pending
    await scheduler().migrateAll();
    await scheduler().tick();
    expect(store.ofType('cx.sla.breached.v1')).toHaveLength(1);
  });
});

describe('PolicyVersions', () => {
  it('switching back to an earlier file is a new reload at the new instant; another instance or a restart reuses the instant', async () => {
    const { store, keys } = await setup(); // v1 in force since T0
    const at = (now: number) => new PolicyVersions(store.redis as never, keys, () => now);
    expect((await at(T0 + 5_000).use({ set: policies, text: 'policies v1' })).at).toBe(T0); // a restart: still v1's instant
    expect((await at(T0 + 10_000).use({ set: policies, text: 'policies v2' })).at).toBe(T0 + 10_000);
    expect((await at(T0 + 10_050).use({ set: policies, text: 'policies v2' })).at).toBe(T0 + 10_000); // a second instance
    expect((await at(T0 + 20_000).use({ set: policies, text: 'policies v1' })).at).toBe(T0 + 20_000); // back to v1: now
  });
});

describe('attainment buckets (the console\'s "within SLA today")', () => {
  it('counts each ended clock once, in its 15-minute bucket, with the conversation\'s attributes', async () => {
    const { store, scheduler, consume, setNow } = await setup();
    const met = new EventFactory('c8');
    const missed = new EventFactory('c9');
    // c8: answered after 20 s (met); c9: never answered, breached by the scheduler at 60 s.
    const events = [met.opened(iso(T0), { tier: 'vip', queue: 'billing' }), met.customer(iso(T0 + 1_000)), met.agent(iso(T0 + 21_000)), missed.customer(iso(T0))];
    await consume(...events);
    await consume(...events); // redelivered: counted once
    setNow(T0 + 61_000);
    await scheduler().tick();
    const cells = [...store.hashes.entries()].filter(([k]) => k.includes(':att:2026-03-02:default'))
      .flatMap(([, h]) => [...h].map(([f, v]) => ({ ...parseAttainmentField(f, '2026-03-02'), n: Number(v) })));
    expect(cells).toEqual(expect.arrayContaining([
      { day: '2026-03-02', bucketMs: T0, metric: 'firstResponse', outcome: 'met', channel: 'chat', queue: 'billing', tier: 'vip', n: 1 },
      { day: '2026-03-02', bucketMs: T0, metric: 'firstResponse', outcome: 'breached', channel: 'chat', n: 1 },
    ]));
    expect(cells).toHaveLength(2);
  });
});
