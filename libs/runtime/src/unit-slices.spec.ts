import type { InboundItem, UnitHandler } from './plan';
import type { TopicUnit } from './unit-runner';
import { sliceUnits } from './unit-slices';

const handler = {} as UnitHandler;
const items = (topic: string, n: number): InboundItem<unknown>[] =>
  Array.from({ length: n }, (_, i) => ({ event: { n: i }, topic, partition: 0, offset: String(i), raw: { key: null, value: null } }));
const unit = (topic: string, n: number, extra: Partial<TopicUnit> = {}): TopicUnit => ({ topic, handler, items: items(topic, n), invalid: [], ignored: 0, ...extra });
const offsets = (u: TopicUnit) => u.items.map((i) => i.offset);

describe('sliceUnits', () => {
  it('leaves a unit within the bound as it is', () => {
    const units = [unit('a', 3), unit('b', 2)];
    expect(sliceUnits(units, 3)).toEqual([units]);
  });

  it('cuts each topic into consecutive chunks in order, the k-th chunks of all topics together', () => {
    const slices = sliceUnits([unit('a', 5), unit('b', 2)], 2);
    expect(slices.map((s) => s.map((u) => [u.topic, offsets(u)]))).toEqual([
      [['a', ['0', '1']], ['b', ['0', '1']]],
      [['a', ['2', '3']]],
      [['a', ['4']]],
    ]);
  });

  it('keeps every message exactly once: dead letters and ignored ones with the first slice', () => {
    const invalid = [{ item: items('a', 1)[0], reason: 'schema' }];
    const slices = sliceUnits([unit('a', 7, { invalid, ignored: 4 }), unit('b', 0, { ignored: 1 })], 3);
    expect(slices.flat().flatMap((u) => u.items.map((i) => `${u.topic}${i.offset}`))).toEqual(['a0', 'a1', 'a2', 'a3', 'a4', 'a5', 'a6']);
    expect(slices.flat().flatMap((u) => u.invalid)).toEqual(invalid);
    expect(slices.flat().reduce((n, u) => n + (u.ignored ?? 0), 0)).toBe(5);
    expect(slices[0].map((u) => u.topic)).toEqual(['a', 'b']);
  });
});
