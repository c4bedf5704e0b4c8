// The Kafka adapter of IngestPublisher. Requests arriving while produce requests are in flight
// share the next one (adaptive batching: no added delay when idle, few produce requests under
// load), every request waits at most the publish deadline, and while Kafka does not answer new
// requests fail fast instead of queueing behind kafkajs's retry budget. A request that timed out
// before its messages were sent is dropped from the queue: the platform retries it.
import { PublishUnavailable, type IngestDeadLetter, type IngestEvent, type IngestPublisher } from './ingest-publisher';

/** Sends one batch with acks=all (EventPublisher.publish of @cx/kafka in production). */
export type BatchSink = (events: IngestEvent[], deadLetters: IngestDeadLetter[]) => Promise<void>;

export interface KafkaIngestOptions {
  timeoutMs: number;
  maxPendingMessages: number;
  maxInFlight: number;
  /** Upper bound of requests merged into one produce request. */
  maxRequestsPerBatch?: number;
}

interface Pending {
  events: IngestEvent[];
  deadLetters: IngestDeadLetter[];
  size: number;
  settled: boolean;
  resolve(): void;
  reject(e: Error): void;
}

export class KafkaIngestPublisher implements IngestPublisher {
  private readonly queue: Pending[] = [];
  private readonly inFlightSince = new Set<{ at: number }>();
  private pendingMessages = 0;
  private lastFailure?: { at: number; message: string };

  constructor(private readonly sink: BatchSink, private readonly opts: KafkaIngestOptions, private readonly now: () => number = Date.now) {}

  publish(events: IngestEvent[], deadLetters: IngestDeadLetter[]): Promise<void> {
    const size = events.length + deadLetters.length;
    if (size === 0) return Promise.resolve();
    const stuck = this.stuckForMs();
    if (stuck !== undefined) return Promise.reject(new PublishUnavailable(`Kafka has not acknowledged a produce request for ${stuck} ms`));
    if (this.pendingMessages + size > this.opts.maxPendingMessages) {
      return Promise.reject(new PublishUnavailable(`${this.pendingMessages} messages already wait for Kafka`));
    }
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => settle(new PublishUnavailable(`no acknowledgement from Kafka within ${this.opts.timeoutMs} ms`)), this.opts.timeoutMs);
      timer.unref?.();
      const p: Pending = {
        events, deadLetters, size, settled: false,
        resolve: () => settle(), reject: (e) => settle(e),
      };
      const settle = (e?: Error) => {
        if (p.settled) return;
        p.settled = true;
        clearTimeout(timer);
        if (e) reject(e);
        else resolve();
      };
      this.queue.push(p);
      this.pendingMessages += size;
      this.pump();
    });
  }

  /** How long the oldest produce request has been waiting, once that exceeds the deadline. */
  stuckForMs(): number | undefined {
    let oldest: number | undefined;
    for (const f of this.inFlightSince) if (oldest === undefined || f.at < oldest) oldest = f.at;
    if (oldest === undefined) return undefined;
    const waited = this.now() - oldest;
    return waited > this.opts.timeoutMs ? waited : undefined;
  }

  /** For /health: false while produce requests hang or the last one failed moments ago. */
  get healthy(): boolean {
    if (this.stuckForMs() !== undefined) return false;
    return !this.lastFailure || this.now() - this.lastFailure.at > this.opts.timeoutMs;
  }

  get pending(): number {
    return this.pendingMessages;
  }

  private pump(): void {
    const maxRequests = this.opts.maxRequestsPerBatch ?? 1000;
    while (this.inFlightSince.size < this.opts.maxInFlight && this.queue.length > 0) {
      const batch: Pending[] = [];
      while (this.queue.length > 0 && batch.length < maxRequests) {
        const p = this.queue.shift()!;
        if (p.settled) this.pendingMessages -= p.size; // timed out while queued: not sent
        else batch.push(p);
      }
      if (batch.length === 0) return;
      this.send(batch);
    }
  }

  private send(batch: Pending[]): void {
    const marker = { at: this.now() };
    this.inFlightSince.add(marker);
    const events = batch.flatMap((p) => p.events);
    const deadLetters = batch.flatMap((p) => p.deadLetters);
    this.sink(events, deadLetters).then(
      () => {
        this.lastFailure = undefined;
        for (const p of batch) p.resolve();
      },
      (e: Error) => {
        this.lastFailure = { at: this.now(), message: e.message };
        for (const p of batch) p.reject(new PublishUnavailable(`Kafka: ${e.message}`));
      },
    ).finally(() => {
      this.inFlightSince.delete(marker);
      for (const p of batch) this.pendingMessages -= p.size;
      this.pump();
    });
  }
}
