import { z } from 'zod';

/** RFC 3339 with an explicit offset ("Z" or "+01:00"), any sub-second precision. */
export const Rfc3339 = z.iso.datetime({ offset: true });

export const TenantId = z.string().min(1).max(128);

/**
 * CloudEvents 1.0 attributes shared by every event. `tenantid` is our extension attribute;
 * it defaults to "default" so single-tenant producers need not know about it.
 */
export const envelopeShape = {
  specversion: z.literal('1.0'),
  id: z.string().min(1).max(256),
  source: z.string().min(1).max(1024),
  time: Rfc3339,
  subject: z.string().min(1).max(256),
  datacontenttype: z.string().optional(),
  dataschema: z.string().optional(),
  tenantid: TenantId.default('default'),
};

/** Builds the schema of one event type: the envelope with a literal `type` and its `data`. */
export function cloudEvent<T extends string, D extends z.ZodType>(type: T, data: D) {
  return z.object({ ...envelopeShape, type: z.literal(type), data }).strict();
}

export const Channel = z.enum(['chat', 'email', 'call']);
export type Channel = z.infer<typeof Channel>;
