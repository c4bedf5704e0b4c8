/*
 * Produce requests are retried here, whole, never by kafkajs. kafkajs 2.2.4
 * (producer/sendMessages.js) keeps each broker's answer across its own retries and skips a broker
 * that has answered: when a killed broker's partitions move to a broker that had already answered
 * the same call, their records are never sent and send() resolves anyway (tulios/kafkajs#1303).
 * Measured: 53 of 1,500 messages of the cluster tier's load never reached the topic after a
 * broker kill -9, all acknowledged. So every producer runs with NO_PRODUCER_RETRY and a failed
 * request is sent again in full: partitions that had been written get those records twice (same
 * ids, same bytes), which consumers process once.
 */
import { CLIENT_RETRY } from './kafka-settings';

export const NO_PRODUCER_RETRY = { retries: 0 } as const;

/** What kafkajs's producer did by itself: 5 retries on the client's timings (a failure surfaces after ~6 s, as before). */
export const PRODUCER_RETRY = { ...CLIENT_RETRY, retries: 5 } as const;

export interface RetryPolicy { initialRetryTime: number; retries: number; maxRetryTime: number }

/**
 * What retrying cannot fix: kafkajs wraps the cause of its last attempt (`cause`) in
 * KafkaJSNumberOfRetriesExceeded when it was retriable, in KafkaJSNonRetriableError when not.
 */
function permanent(e: unknown): boolean {
  const err = e as { name?: string; retriable?: boolean; cause?: { retriable?: boolean } } | undefined;
  if (err?.name === 'KafkaJSNonRetriableError') return true;
  return (err?.cause ?? err)?.retriable === false;
}

export async function sendWhole<T>(send: () => Promise<T>, retry: RetryPolicy = PRODUCER_RETRY,
  sleep: (ms: number) => Promise<unknown> = (ms) => new Promise((r) => setTimeout(r, ms))): Promise<T> {
  let wait = retry.initialRetryTime;
  for (let attempt = 0; ; attempt++) {
    try {
      return await send();
    } catch (e) {
      if (attempt >= retry.retries || permanent(e)) throw e;
      await sleep(Math.round(wait * (0.8 + Math.random() * 0.4)));
      wait = Math.min(retry.maxRetryTime, wait * 2);
    }
  }
}
