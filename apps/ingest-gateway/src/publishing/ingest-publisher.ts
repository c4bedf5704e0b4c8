// The gateway's one way out to Kafka, as a narrow port: the service asks for "these events and
// dead letters, acknowledged by all replicas, within the deadline", and gets either done or
// unavailable. The Kafka adapter behind it (kafka-ingest.publisher.ts) is replaceable.
import type { KafkaOut } from '@cx/kafka';

/** A contract event for an input topic (logical name; the adapter adds the topic prefix). */
export interface IngestEvent {
  topic: string;
  event: { id: string; type: string; subject: string; time: string } & Record<string, unknown>;
}

/** A dead letter in the services' format (deadLetter() of @cx/kafka), logical topic. */
export type IngestDeadLetter = KafkaOut;

export interface IngestPublisher {
  /**
   * Resolves once Kafka acknowledged every message (acks=all); rejects with PublishUnavailable
   * when it cannot within the deadline, so the platform gets 503 and retries.
   */
  publish(events: IngestEvent[], deadLetters: IngestDeadLetter[]): Promise<void>;
}

export const INGEST_PUBLISHER = Symbol('INGEST_PUBLISHER');

/** Kafka (or Redis, for the contact starts) could not take the request in time: answer 503. */
export class PublishUnavailable extends Error {
  override name = 'PublishUnavailable';
}
