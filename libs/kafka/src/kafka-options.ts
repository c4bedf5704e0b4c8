import type { z } from 'zod';

export interface FetchOptions { minBytes: number; maxWaitTimeInMs: number; maxBytes: number }

export interface KafkaOptions {
  brokers: string[];
  clientId: string;
  groupId: string;
  /** Prepended to every contract topic name (tests, shared clusters). */
  topicPrefix: string;
  partitions: number;
  partitionsConsumedConcurrently: number;
  /** Broker-side batching: answer a fetch once minBytes are there or maxWaitTimeInMs passed. */
  fetch: FetchOptions;
  /** Logical (contract) topic → the zod schema its messages must satisfy. */
  subscriptions: Record<string, z.ZodType>;
  /** Topics this service produces to, created at start-up with the subscriptions. */
  produces: string[];
  retry?: { attempts: number; baseMs: number; maxMs: number };
}

export const KAFKA_OPTIONS = Symbol('KAFKA_OPTIONS');
