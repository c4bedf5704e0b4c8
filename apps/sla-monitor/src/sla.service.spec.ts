import type { ChainableCommander } from 'ioredis';
import type { InteractionEvent } from '@cx/contracts';
import type { InboundBatch, OutEvent } from '@cx/kafka';
import { PipelineMetrics } from '@cx/metrics';
import { compilePolicies } from '@cx/sla';
import { EventFactory } from '../../../libs/sla/src/testing/events';
import { SlaMetrics } from './sla-metrics';
import { SlaPipeline } from './sla.pipeline';
import { outboxEvents, SlaScheduler, type Publisher } from './sla.scheduler';
import { MemorySlaStore } from './testing/memory-sla.store';

const policies = compilePolicies({
  policies: [{ id: 'chat', match: { channel: 'chat' }, targets: { firstResponse: 'PT60S', resolution: 'PT1H' }, warnAt: [0.5] }],
}, 'test');
const T0 = Date.parse('2026-03-02T10:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();

class RecordingPublisher implements Publisher {
  readonly events: OutEvent[] = [];
  failNext = 0;
  async publish(events: OutEvent[]): Promise<void> {
    if (this.failNext > 0 && events.length) { this.failNext--; throw new Error('broker unavailable'); }
    this.events.push(...events);
  }
  ofType(type: string) {
    return this.events.filter((e) => e.event.type === type);
  }
}

function setup() {
  const store = new MemorySlaStore();
  const metrics = new SlaMetrics(new PipelineMetrics('sla-test'), ['chat'], () => store.openClocks());
  const pipeline = new SlaPipeline(store, policies, metrics, { instanceId: 'i1', stateTtlSeconds: 3600, closedTtlSeconds: 3600, escalateOn: 'breach' });
  const publisher = new RecordingPublisher();
  let now = T0;
  const scheduler = (p: Publisher = publisher) => new SlaScheduler(store, policies, p, metrics, { tickMs: 10, claimBatch: 100, leaseMs: 5_000, graceMs: 0, escalateOn: 'breach' }, () => now);
  const consume = async (...events: InteractionEvent[]) => {
    const batch: InboundBatch<InteractionEvent> = { topic: 'cx.interactions.chat', partitions: [0], items: events.map((event, i) => ({ event, topic: 'cx.interactions.chat', partition: 0, offset: String(i), raw: { key: null, value: null } })) };
    const r = await pipeline.process(batch);
    r.persist!({} as ChainableCommander);
    r.afterCommit!();
    return r;
  };
  return { store, metrics, publisher, scheduler, consume, setNow: (ms: number) => { now = ms; } };
}

describe('SlaPipeline (consumer) with a fake store', () => {
  it('writes the state and the earliest due instant, publishes nothing before a threshold', async () => {
    const { store, consume } = setup();
    const f = new EventFactory('c1');
    const r = await consume(f.opened(iso(T0)), f.customer(iso(T0 + 1_000)));
    expect(r.outputs).toEqual([]);
    expect(store.due.get('c1')).toBe(T0 + 31_000); // the warning at 50 % of 60 s
    expect(store.open).toEqual({ resolution: 1, firstResponse: 1 });
    expect(store.holds.size).toBe(0);
  });

  it('fires at once when an event is stamped past a threshold, and counts late and closed events', async () => {
    const { consume, metrics } = setup();
    const f = new EventFactory('c2');
    const r = await consume(f.customer(iso(T0)), f.agent(iso(T0 + 90_000)), f.customer(iso(T0 + 10_000)), f.status(iso(T0 + 95_000), 'closed'), f.customer(iso(T0 + 99_000)));
    expect(r.outputs.map((o) => `${o.topic} ${o.event.type}`)).toEqual([
      'cx.sla cx.sla.warning.v1', 'cx.sla cx.sla.breached.v1', 'cx.escalations cx.escalation.requested.v1',
    ]);
    expect(r.dropped!.map((d) => d.reason)).toEqual(['conversation closed']);
    expect((await metrics.lateEvents.get()).values[0].value).toBe(1);
  });
});

describe('SlaScheduler with a fake store and publisher', () => {
  it('fires each threshold once at its instant, with the escalation request, and schedules the next', async () => {
    const { store, publisher, scheduler, consume, setNow } = setup();
    const f = new EventFactory('c3');
    await consume(f.customer(iso(T0)));
    const s = scheduler();
    setNow(T0 + 29_000);
    expect((await s.tick()).claimed).toBe(0);
    setNow(T0 + 61_000);
    await s.tick();
    await s.tick();
    expect(publisher.ofType('cx.sla.warning.v1').map((e) => e.event.time)).toEqual([iso(T0 + 30_000)]);
    expect(publisher.ofType('cx.sla.breached.v1').map((e) => e.event.time)).toEqual([iso(T0 + 60_000)]);
    const request = publisher.ofType('cx.escalation.requested.v1');
    expect(request).toHaveLength(1);
    expect((request[0].event as unknown as { data: { reasons: { causeId: string }[] } }).data.reasons[0].causeId).toBe(publisher.ofType('cx.sla.breached.v1')[0].event.id);
    expect(store.due.get('c3')).toBe(T0 + 1_800_000); // resolution warning next
    expect(store.inflight.size).toBe(0);
  });

  it('a crash between commit and publish loses nothing: the next claimer publishes the outbox once', async () => {
    const { store, publisher, scheduler, consume, setNow } = setup();
    const f = new EventFactory('c4');
    await consume(f.customer(iso(T0)));
    setNow(T0 + 61_000);
    publisher.failNext = 1; // stands for the process dying after the commit
    await expect(scheduler().runShard(0, T0 + 61_000)).rejects.toThrow('broker unavailable');
    expect(publisher.events).toHaveLength(0);
    // The entry is compact (the state before and the cutoff); it stands for exactly these events.
    const pending = outboxEvents('c4', store.outbox.get('c4')!, policies, 'breach');
    expect(pending.map((e) => e.event.type)).toEqual(['cx.sla.warning.v1', 'cx.sla.breached.v1', 'cx.escalation.requested.v1']);
    setNow(T0 + 62_000);
    expect((await scheduler().tick()).claimed).toBe(0); // still leased
    setNow(T0 + 67_000);
    await scheduler().tick();
    expect(publisher.events.map((e) => e.event.type)).toEqual(['cx.sla.warning.v1', 'cx.sla.breached.v1', 'cx.escalation.requested.v1']);
    expect(publisher.events).toEqual(pending); // rebuilt from the entry: same ids, same content
    expect(store.outbox.size).toBe(0);
    await scheduler().tick();
    expect(publisher.events).toHaveLength(3);
  });

  it('does not overwrite a conversation a consumer batch holds: it retries on the consumer\'s result', async () => {
    const { store, publisher, scheduler, consume, setNow } = setup();
    const f = new EventFactory('c5');
    await consume(f.customer(iso(T0)));
    store.holds.set('c5', new Set(['other-batch']));
    setNow(T0 + 31_000);
    await scheduler().tick();
    expect(publisher.events).toHaveLength(0);
    expect(store.due.get('c5')).toBe(T0 + 31_025);
    store.holds.delete('c5');
    setNow(T0 + 31_100);
    await scheduler().tick();
    expect(publisher.ofType('cx.sla.warning.v1')).toHaveLength(1);
  });

  it('two schedulers on one store fire each threshold once', async () => {
    const { publisher, scheduler, consume, setNow } = setup();
    for (let i = 0; i < 20; i++) {
      const f = new EventFactory(`c6-${i}`);
      await consume(f.customer(iso(T0 + i)));
    }
    setNow(T0 + 70_000);
    const [a, b] = [scheduler(), scheduler()];
    await Promise.all([a.tick(), b.tick(), a.tick(), b.tick()]);
    const ids = publisher.events.map((e) => e.event.id);
    expect(ids).toHaveLength(60);
    expect(new Set(ids).size).toBe(60);
  });
});
