// Idle partitions may advance the event-time watermark only when Kafka confirms that they are
// consumed to their end and nothing of them is in flight: a backlog must hold timers back.
import { caughtUpAt, ConsumerActivityTracker, quietTopics } from './idle-probe';

const offsets = (high: number, committed: number, partition = 0, topic = 'p.cx.interactions.chat') =>
  ({ topic, partition, high: BigInt(high), committed: BigInt(committed) });
const physical = (t: string) => `p.${t}`;

describe('caughtUpAt', () => {
  let now = 1_000;
  const tracker = () => {
    const t = new ConsumerActivityTracker(() => now);
    t.assign([{ topic: 'cx.interactions.chat', partitions: [0, 1] }]);
    return t;
  };

  it('counts a partition whose committed offset reached the log end', () => {
    expect(caughtUpAt(tracker(), [offsets(10, 10, 0), offsets(5, 5, 1)], physical, 2_000))
      .toEqual([{ topic: 'cx.interactions.chat', partitions: [0, 1] }]);
  });

  it('leaves out a partition with a backlog (the fetch-event rule advanced these)', () => {
    expect(caughtUpAt(tracker(), [offsets(10, 4, 0), offsets(5, 5, 1)], physical, 2_000))
      .toEqual([{ topic: 'cx.interactions.chat', partitions: [1] }]);
  });

  it('leaves out a partition whose batch is in flight or arrived after the probe started', () => {
    const t = tracker();
    now = 1_500;
    t.arrived('cx.interactions.chat:0');
    expect(caughtUpAt(t, [offsets(10, 10, 0), offsets(5, 5, 1)], physical, 1_000)).toEqual([{ topic: 'cx.interactions.chat', partitions: [1] }]);
    t.finished('cx.interactions.chat:0');
    // Finished, but it arrived after this probe started: its offsets may predate it.
    expect(caughtUpAt(t, [offsets(10, 10, 0), offsets(5, 5, 1)], physical, 1_000)).toEqual([{ topic: 'cx.interactions.chat', partitions: [1] }]);
    // A later probe counts it.
    expect(caughtUpAt(t, [offsets(10, 10, 0), offsets(5, 5, 1)], physical, 2_000)).toEqual([{ topic: 'cx.interactions.chat', partitions: [0, 1] }]);
  });

  it('counts what this instance processed and has not committed yet (offsets are committed at intervals)', () => {
    const t = tracker();
    t.processed('cx.interactions.chat:0', 10n);
    t.processed('cx.interactions.chat:0', 8n); // never backwards
    expect(t.processedTo('cx.interactions.chat:0')).toBe(10n);
    expect(caughtUpAt(t, [offsets(10, 4, 0), offsets(5, 3, 1)], physical, 2_000)).toEqual([{ topic: 'cx.interactions.chat', partitions: [0] }]);
  });

  it('leaves out a partition Kafka did not report, and returns nothing when nothing is caught up', () => {
    expect(caughtUpAt(tracker(), [offsets(3, 1, 0)], physical, 2_000)).toEqual([]);
  });
});

describe('ConsumerActivityTracker.fetchedAt', () => {
  it('is the earliest start among the brokers last completed fetches, not a later fetch still running', () => {
    let now = 100;
    const t = new ConsumerActivityTracker(() => now);
    t.fetchStarted(1); now = 120; t.fetchStarted(2);
    t.fetchCompleted(2);
    expect(t.fetchedAt()).toBe(120);
    t.fetchCompleted(1);
    expect(t.fetchedAt()).toBe(100);
    now = 300; t.fetchStarted(1); // in progress: the last completed fetch of broker 1 still counts
    expect(t.fetchedAt()).toBe(100);
  });

  it('counts nested batches of one partition until the last finishes', () => {
    const t = new ConsumerActivityTracker(() => 5);
    t.arrived('a:0'); t.arrived('a:0'); t.finished('a:0');
    expect(t.inFlight('a:0')).toBe(true);
    t.finished('a:0');
    expect(t.inFlight('a:0')).toBe(false);
    expect(t.lastBatchAt('a:0')).toBe(5);
  });
});

describe('quietTopics', () => {
  it('names only topics with a partition that had no batch for the quiet time and has none in flight', () => {
    let now = 1_000;
    const t = new ConsumerActivityTracker(() => now);
    t.assign([{ topic: 'chat', partitions: [0, 1] }, { topic: 'email', partitions: [0] }, { topic: 'call', partitions: [0] }]);
    t.arrived('chat:0'); t.finished('chat:0');
    t.arrived('email:0'); t.finished('email:0');
    t.arrived('call:0'); // in flight
    now = 1_100;
    // chat:1 never had a batch; email:0 had one 100 ms ago; call:0 is in flight.
    expect(quietTopics(t, now, 200)).toEqual(['chat']);
    now = 1_200;
    expect(quietTopics(t, now, 200)).toEqual(['chat', 'email']);
    t.finished('call:0');
    expect(quietTopics(t, now, 200)).toEqual(['chat', 'email', 'call']);
    t.assign([{ topic: 'email', partitions: [0] }]);
    now = 1_150;
    expect(quietTopics(t, now, 200)).toEqual([]); // nothing quiet: the probe asks Kafka nothing
  });
});
