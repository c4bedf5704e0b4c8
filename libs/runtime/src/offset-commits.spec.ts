// Offsets are committed at most every interval, only ever for processed units, and nothing
// processed is left uncommitted by a timer, a failed commit or a shutdown.
import { byTopic, OffsetCommits, type PartitionOffset } from './offset-commits';

const at = (topic: string, partition: number, offset: number): PartitionOffset => ({ topic, partition, offset: String(offset) });

describe('OffsetCommits', () => {
  let now = 0;
  let sent: PartitionOffset[][] = [];
  let fail = false;
  const failures: string[] = [];
  const make = (intervalMs = 250) => new OffsetCommits(intervalMs, async (o) => {
    if (fail) throw new Error('coordinator moved');
    sent.push(o);
  }, (e) => failures.push(e.message), () => now);

  beforeEach(() => {
    jest.useFakeTimers();
    now = 1_000;
    sent = [];
    fail = false;
    failures.length = 0;
  });
  afterEach(() => jest.useRealTimers());

  it('commits the first unit at once and the ones within the interval with the next due commit', () => {
    const c = make();
    expect(c.processed([at('t', 0, 5)])).toEqual([at('t', 0, 5)]);
    now = 1_100;
    expect(c.processed([at('t', 0, 9), at('t', 1, 3)])).toEqual([]);
    now = 1_200;
    expect(c.processed([at('t', 0, 12)])).toEqual([]);
    now = 1_260;
    // The unit that finds the interval passed carries everything pending, newest offset per partition.
    expect(c.processed([at('t', 2, 1)])).toEqual([at('t', 0, 12), at('t', 1, 3), at('t', 2, 1)]);
    c.stop();
  });

  it('commits every unit with an interval of 0', () => {
    const c = make(0);
    expect(c.processed([at('t', 0, 5)])).toEqual([at('t', 0, 5)]);
    expect(c.processed([at('t', 0, 6)])).toEqual([at('t', 0, 6)]);
  });

  it('sends what is pending when the interval ends and no unit came', async () => {
    const c = make();
    c.processed([at('t', 0, 5)]);
    now = 1_050;
    c.processed([at('t', 0, 8)]);
    await jest.advanceTimersByTimeAsync(199);
    expect(sent).toEqual([]);
    await jest.advanceTimersByTimeAsync(1);
    expect(sent).toEqual([[at('t', 0, 8)]]);
    // Nothing pending: no further commits.
    await jest.advanceTimersByTimeAsync(1_000);
    expect(sent).toHaveLength(1);
  });

  it('keeps a failed commit pending and sends it again, unless a later unit moved the partition on', async () => {
    const c = make();
    c.processed([at('t', 0, 5)]);
    now = 1_050;
    c.processed([at('t', 0, 8), at('t', 1, 2)]);
    fail = true;
    await jest.advanceTimersByTimeAsync(200);
    expect(failures).toEqual(['coordinator moved']);
    fail = false;
    now = 1_200;
    expect(c.processed([at('t', 1, 4)])).toEqual([]);
    await jest.advanceTimersByTimeAsync(250);
    expect(sent).toEqual([[at('t', 0, 8), at('t', 1, 4)]]);
    c.stop();
  });

  it('puts back what a unit failed to commit', () => {
    const c = make();
    const due = c.processed([at('t', 0, 5), at('t', 1, 1)]);
    now = 1_010;
    c.processed([at('t', 1, 2)]);
    c.failed(due);
    now = 1_300;
    expect(c.processed([])).toEqual([at('t', 1, 2), at('t', 0, 5)]);
  });

  it('forgets partitions that a rebalance gave to someone else', () => {
    const c = make();
    c.processed([at('t', 0, 1)]);
    now = 1_010;
    c.processed([at('t', 0, 5), at('t', 1, 7), at('u', 0, 2)]);
    c.retain([{ topic: 't', partitions: [1] }, { topic: 'u', partitions: [0] }]);
    now = 1_300;
    expect(c.processed([])).toEqual([at('t', 1, 7), at('u', 0, 2)]);
  });

  it('commits everything pending on flush, and each unit as it ends once immediate', async () => {
    const c = make();
    c.processed([at('t', 0, 1)]);
    now = 1_010;
    c.processed([at('t', 0, 4)]);
    c.immediate = true;
    await c.flush();
    expect(sent).toEqual([[at('t', 0, 4)]]);
    now = 1_020;
    expect(c.processed([at('t', 0, 6)])).toEqual([at('t', 0, 6)]);
    await jest.advanceTimersByTimeAsync(1_000);
    expect(sent).toHaveLength(1);
  });

  it('groups offsets by topic as kafkajs commits them', () => {
    expect(byTopic([at('a', 0, 1), at('b', 2, 3), at('a', 1, 4)])).toEqual([
      { topic: 'a', partitions: [{ partition: 0, offset: '1' }, { partition: 1, offset: '4' }] },
      { topic: 'b', partitions: [{ partition: 2, offset: '3' }] },
    ]);
  });
});
