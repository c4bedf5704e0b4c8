// The gateway's environment: the shared Kafka/Redis settings plus its own port, the connectors file
// and the bounds that keep a platform's request from hanging while Kafka is unavailable.
import { z } from 'zod';
import { BaseEnv, port } from '@cx/config';

export const GatewayEnv = BaseEnv.extend({
  GATEWAY_PORT: port(3004),
  /** Per-tenant connector secrets (YAML or JSON, docs/connectors.md). */
  GATEWAY_CONNECTORS_FILE: z.string({ error: 'required: the per-tenant connectors file (docs/connectors.md)' }).min(1),
  /**
   * Longest a request waits for Kafka's acknowledgement before it gets 503 + Retry-After. Below
   * the shortest platform timeout (Chatwoot gives up after 5 s), far below kafkajs's retry budget.
   */
  GATEWAY_PUBLISH_TIMEOUT_MS: z.coerce.number().int().min(50).max(30_000).default(3_000),
  GATEWAY_RETRY_AFTER_SECONDS: z.coerce.number().int().min(1).max(3_600).default(5),
  /** Events waiting for Kafka beyond this answer 503 at once instead of piling up in memory. */
  GATEWAY_MAX_PENDING_EVENTS: z.coerce.number().int().min(100).max(1_000_000).default(20_000),
  /** Produce requests in flight at once; requests arriving meanwhile share the next one. */
  GATEWAY_MAX_IN_FLIGHT: z.coerce.number().int().min(1).max(64).default(4),
  /** How long a contact's start (Amazon Connect offsets → event times) is kept in Redis. */
  GATEWAY_CONTACT_START_TTL_SECONDS: z.coerce.number().int().min(60).default(2 * 24 * 3600),
  /**
   * Key of the pseudonyms that stand in for phone numbers and addresses used as customer ids, so
   * no phone number fans out in escalations (docs/contract.md, Personal data). Change it and the
   * customers' ids (and their risk history) start afresh.
   */
  GATEWAY_PSEUDONYM_KEY: z.string().min(8).default('cx-ingest-gateway-pseudonyms'),
});
export type GatewayEnv = z.infer<typeof GatewayEnv>;
