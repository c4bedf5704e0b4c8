// Narrow fakes of the gateway's ports for service tests: a publisher that records what it was
// asked to publish (or fails like an unavailable Kafka) and an in-memory contact-start store.
import type { ContactStartStore } from '../ingest-types';
import { PublishUnavailable, type IngestDeadLetter, type IngestEvent, type IngestPublisher } from '../publishing/ingest-publisher';

export class RecordingPublisher implements IngestPublisher {
  readonly events: IngestEvent[] = [];
  readonly deadLetters: IngestDeadLetter[] = [];
  unavailable = false;

  async publish(events: IngestEvent[], deadLetters: IngestDeadLetter[]): Promise<void> {
    if (this.unavailable) throw new PublishUnavailable('no acknowledgement from Kafka within 3000 ms');
    this.events.push(...events);
    this.deadLetters.push(...deadLetters);
  }

  clear(): void {
    this.events.length = 0;
    this.deadLetters.length = 0;
  }
}

export class MemoryContactStarts implements ContactStartStore {
  readonly starts = new Map<string, Date>();
  unavailable = false;

  async startOf(tenant: string, candidates: Map<string, Date>): Promise<Map<string, Date>> {
    if (this.unavailable) throw new PublishUnavailable('Redis did not answer within 3000 ms');
    const out = new Map<string, Date>();
    for (const [contact, at] of candidates) {
      const key = `${tenant}/${contact}`;
      if (!this.starts.has(key)) this.starts.set(key, at);
      out.set(contact, this.starts.get(key)!);
    }
    return out;
  }
}
