/*
 * Whether a consumer still talks to Kafka, for GET /health, answered from memory. Evidence is a
 * fetch or heartbeat answered, or a unit committed (its events acknowledged, its offsets stored);
 * a unit in progress counts for a while, since no fetch happens meanwhile. With 15 s of grace and
 * every unit (also a failed one) counted as contact, /health said "kafka up" through a whole 8 s
 * outage; now it says "down" once Kafka has been silent for `silenceMs`.
 */
export class KafkaLiveness {
  private lastContact = 0;
  private unitSince?: number;

  constructor(private readonly silenceMs: number, private readonly clock: () => number = Date.now) {}

  /** A fetch or heartbeat was answered, or a unit committed. */
  contact(): void {
    this.lastContact = this.clock();
  }

  /** The consumer crashed: down until Kafka answers again. */
  lost(): void {
    this.lastContact = 0;
  }

  unitStarted(): void {
    this.unitSince = this.clock();
  }

  /** A unit ended; `committed` is contact, a failure is not. */
  unitEnded(committed: boolean): void {
    this.unitSince = undefined;
    if (committed) this.contact();
  }

  up(): boolean {
    const last = Math.max(this.lastContact, this.unitSince ?? 0);
    return this.clock() - last < this.silenceMs;
  }
}

/** Silence long enough to mean an outage: well past the longest fetch wait and a heartbeat. */
export function kafkaSilenceMs(fetchMaxWaitMs: number): number {
  return Math.max(5_000, 2 * fetchMaxWaitMs + 1_000);
}
