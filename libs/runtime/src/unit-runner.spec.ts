import { PipelineMetrics } from '@cx/metrics';
import { KeySpace } from '@cx/redis';
import type { Committer } from './committer';
import type { InboundItem, Plan, UnitHandler } from './plan';
import { MemoryStore } from './testing/memory-store';
import { UnitRunner } from './unit-runner';

type Ev = { id: string; source: string; tenantid: string; subject: string; n: number; time: string };

const space = new KeySpace('', 'test', 4);
const ev = (id: string, subject: string, n = 1): Ev => ({ id, source: 's', tenantid: 'default', subject, n, time: '2026-03-02T10:00:00Z' });
const item = (e: Ev, offset = 0): InboundItem<Ev> => ({ event: e, topic: 'in', partition: 0, offset: String(offset), raw: { key: e.subject, value: JSON.stringify(e) } });

/** Sums `n` per subject into a counter key; `n < 0` throws (a poison event); subject "closed" is dropped. */
function summing(store: MemoryStore): UnitHandler<Ev, Map<string, string | null>> & { planned: number } {
  const key = (s: string) => space.key(space.shardOf('default', s), `sum:${s}`);
  const h = {
    planned: 0,
    route: (e: Ev) => ({ shard: space.shardOf('default', e.subject), entity: e.subject }),
    prepare: async (events: Ev[]) => new Map(await Promise.all(events.map(async (e) => [key(e.subject), (await store.redis.mget(key(e.subject)))[0]] as const))),
    plan(items: InboundItem<Ev>[], loaded: Map<string, string | null>): Plan<Ev> {
      h.planned++;
      const sums = new Map<string, number>();
      const plan: Required<Plan<Ev>> = { changes: [], deadLetters: [], dropped: [] };
      for (const i of items) {
        if (i.event.n < 0) { plan.deadLetters.push({ item: i, reason: 'processing failed: negative' }); continue; }
        if (i.event.subject === 'closed') { plan.dropped.push({ item: i, reason: 'closed' }); continue; }
        const k = key(i.event.subject);
        sums.set(k, (sums.get(k) ?? Number(loaded.get(k) ?? 0)) + i.event.n);
      }
      for (const [k, v] of sums) {
        const subject = k.slice(k.lastIndexOf(':') + 1);
        plan.changes.push({ ...h.route(ev('', subject)), commands: [{ name: 'SET', keys: [k], args: [String(v)] }], counts: [{ metric: 'cx_transient_errors_total', labels: { stage: 'test' } }] });
      }
      return plan;
    },
  };
  return h;
}

function setup() {
  const store = new MemoryStore(space);
  const metrics = new PipelineMetrics('runner-test');
  const handler = summing(store);
  const runner = new UnitRunner(store.redis as never, { keys: space, apply: (p: never) => store.committer.apply(p) } as unknown as Committer, metrics);
  const run = (...events: Ev[]) => runner.run([{ topic: 'in', handler, invalid: [], items: events.map((e, i) => item(e, i)) }]);
  const sum = (s: string) => store.strings.get(space.key(space.shardOf('default', s), `sum:${s}`));
  const consumed = async () => Object.fromEntries((await metrics.consumed.get()).values.map((v) => [v.labels.outcome, v.value]));
  return { store, handler, run, sum, consumed };
}

describe('UnitRunner', () => {
  it('applies each event once, within a unit and across redeliveries, and counts every outcome once', async () => {
    const { run, sum, consumed, store } = setup();
    await run(ev('a', 'x', 2), ev('a', 'x', 2), ev('b', 'y', 5));
    await run(ev('a', 'x', 2), ev('c', 'x', 1)); // a redelivery of `a` and a new event
    expect([sum('x'), sum('y')]).toEqual(['3', '5']);
    expect(await consumed()).toEqual({ ok: 3, dropped: 2 });
    expect(store.counts).toHaveLength(3); // one per applied change, never for a replanned one
  });

  it('dead-letters a poison event without marking it, so a fixed replay applies it; the rest goes on', async () => {
    const { run, sum, consumed, store } = setup();
    await run(ev('p', 'x', -1), ev('q', 'x', 4), ev('d', 'closed', 1));
    expect(sum('x')).toBe('4');
    expect(await consumed()).toEqual({ ok: 1, dead_lettered: 1, dropped: 1 });
    const marks = [...store.zsets.entries()].filter(([k]) => k.endsWith(':seen')).flatMap(([, z]) => [...z.keys()]);
    expect(marks).toHaveLength(2); // q and d, not p
  });

  it('does not apply twice what another instance applied between its read and its commit', async () => {
    const { run, sum, store, consumed } = setup();
    const apply = store.committer.apply;
    let first = true;
    store.committer.apply = async (parts) => {
      if (first && parts.length) {
        first = false;
        // Another instance applies event `a` between this unit's read and its commit.
        await apply([{ ...parts.find((p) => p.entity === 'x')! }]);
      }
      return apply(parts);
    };
    await run(ev('a', 'x', 2), ev('b', 'y', 5));
    expect([sum('x'), sum('y')]).toEqual(['2', '5']);
    expect(await consumed()).toEqual({ ok: 1, dropped: 1 }); // `a` ended as a duplicate, `b` applied
  });
});
