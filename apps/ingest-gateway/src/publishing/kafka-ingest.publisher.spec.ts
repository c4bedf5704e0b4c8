// The adapter's promises with a fake sink: merged produce requests under load, the deadline,
// fail-fast while Kafka hangs, the pending cap, and recovery once Kafka answers again.
import { KafkaIngestPublisher, type BatchSink } from './kafka-ingest.publisher';
import { PublishUnavailable, type IngestEvent } from './ingest-publisher';

const ev = (n: number): IngestEvent => ({ topic: 'cx.interactions.chat', event: { id: `e${n}`, type: 'cx.message.v1', subject: 'c', time: '2026-01-01T00:00:00.000Z' } });

function controllableSink() {
  const calls: { events: IngestEvent[]; resolve(): void; reject(e: Error): void }[] = [];
  const sink: BatchSink = (events) => new Promise<void>((resolve, reject) => { calls.push({ events, resolve, reject }); });
  return { sink, calls };
}

describe('KafkaIngestPublisher', () => {
  afterEach(() => jest.useRealTimers());

  it('sends at once when idle and merges requests that arrive while a produce request is in flight', async () => {
    const { sink, calls } = controllableSink();
    const pub = new KafkaIngestPublisher(sink, { timeoutMs: 1000, maxPendingMessages: 100, maxInFlight: 1 });
    const first = pub.publish([ev(1)], []);
    expect(calls).toHaveLength(1);
    const second = pub.publish([ev(2)], []);
    const third = pub.publish([ev(3), ev(4)], []);
    expect(calls).toHaveLength(1);
    calls[0].resolve();
    await first;
    await new Promise(setImmediate);
    expect(calls).toHaveLength(2);
    expect(calls[1].events.map((e) => e.event.id)).toEqual(['e2', 'e3', 'e4']);
    calls[1].resolve();
    await Promise.all([second, third]);
    expect(pub.pending).toBe(0);
  });

  it('rejects with PublishUnavailable at the deadline, then fails fast while the send hangs, and recovers', async () => {
    jest.useFakeTimers();
    let now = 0;
    const { sink, calls } = controllableSink();
    const pub = new KafkaIngestPublisher(sink, { timeoutMs: 100, maxPendingMessages: 100, maxInFlight: 2 }, () => now);
    const waiting = pub.publish([ev(1)], []);
    now = 101;
    jest.advanceTimersByTime(101);
    await expect(waiting).rejects.toBeInstanceOf(PublishUnavailable);
    await expect(pub.publish([ev(2)], [])).rejects.toThrow(/has not acknowledged a produce request for 101 ms/);
    expect(pub.healthy).toBe(false);
    calls[0].resolve();
    await Promise.resolve();
    await Promise.resolve();
    expect(pub.healthy).toBe(true);
    const after = pub.publish([ev(3)], []);
    calls[1].resolve();
    await expect(after).resolves.toBeUndefined();
  });

  it('drops a queued request that timed out before it was sent', async () => {
    jest.useFakeTimers();
    const { sink, calls } = controllableSink();
    const pub = new KafkaIngestPublisher(sink, { timeoutMs: 100, maxPendingMessages: 100, maxInFlight: 1 }, () => 0);
    const first = pub.publish([ev(1)], []);
    const queued = pub.publish([ev(2)], []);
    jest.advanceTimersByTime(101);
    await expect(queued).rejects.toBeInstanceOf(PublishUnavailable);
    await expect(first).rejects.toBeInstanceOf(PublishUnavailable);
    calls[0].resolve();
    await new Promise(jest.requireActual('node:timers').setImmediate);
    expect(calls).toHaveLength(1);
    expect(pub.pending).toBe(0);
  });

  it('refuses beyond the pending cap and reports a failing sink as unavailable', async () => {
    const { sink, calls } = controllableSink();
    const pub = new KafkaIngestPublisher(sink, { timeoutMs: 1000, maxPendingMessages: 2, maxInFlight: 1 });
    const a = pub.publish([ev(1), ev(2)], []);
    await expect(pub.publish([ev(3)], [])).rejects.toThrow(/2 messages already wait for Kafka/);
    calls[0].reject(new Error('KafkaJSConnectionError: Connection error: connect ECONNREFUSED'));
    await expect(a).rejects.toThrow(/Kafka: KafkaJSConnectionError/);
    expect(pub.healthy).toBe(false);
  });
});
