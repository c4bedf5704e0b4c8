/*
 * Producer and consumer settings as plain data, the single source for every Kafka client of the
 * services (the event-loop publisher, the worker-thread publisher, the benchmark's bare consumer).
 */
export const PRODUCER_SETTINGS = {
  /** Java-compatible murmur2 partitioning, so producers in any language agree on partitions. */
  partitioner: 'default',
  allowAutoTopicCreation: false,
  /** Every in-sync replica acknowledges before a write counts (min.insync.replicas decides how many). */
  acks: -1,
  compression: 'none',
} as const;

export const CLIENT_RETRY = { initialRetryTime: 200, retries: 8, maxRetryTime: 5000 } as const;

/** Session settings of every service consumer. */
export const CONSUMER_SETTINGS = {
  sessionTimeout: 30_000,
  rebalanceTimeout: 60_000,
  heartbeatInterval: 3_000,
  allowAutoTopicCreation: false,
} as const;

export interface FetchOptions { minBytes: number; maxWaitTimeInMs: number; maxBytes: number }

/** A Kafka record as this system writes it: a logical topic (the prefix is applied on send). */
export interface KafkaOut {
  topic: string;
  key: string | Buffer | null;
  value: string | Buffer | null;
  headers?: Record<string, string | Buffer>;
}

/** Anything that writes records to Kafka and resolves once every replica acknowledged them. */
export interface Publisher {
  send(records: KafkaOut[]): Promise<void>;
  /** Disconnects; the runtime calls it once nothing publishes any more (not a Nest hook: see RuntimeLifecycle). */
  close?(): Promise<void>;
}
