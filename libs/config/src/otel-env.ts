/*
 * The OpenTelemetry settings every service reads, under their standard names (the OpenTelemetry
 * SDK environment specification), validated at start-up with the rest of the environment so a
 * typo stops the service naming the variable instead of silently exporting nothing. Tracing is on
 * only when an OTLP endpoint is set (libs/tracing).
 */
import { z } from 'zod';

const httpUrl = z.string().trim()
  .refine((v) => { try { return /^https?:$/.test(new URL(v).protocol); } catch { return false; } }, 'must be an http:// or https:// URL');

/** The specification treats an empty value as unset (compose files and Helm charts write `VAR=`). */
const unsetIfEmpty = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), schema);

const flag = z.enum(['true', 'false']).transform((v) => v === 'true');

/** The samplers the SDK specification names that need no extra component. */
export const SAMPLERS = ['always_on', 'always_off', 'traceidratio', 'parentbased_always_on', 'parentbased_always_off', 'parentbased_traceidratio'] as const;
export type SamplerName = (typeof SAMPLERS)[number];

export const otelEnvShape = {
  /** OTLP/HTTP base URL (spans go to `<endpoint>/v1/traces`); unset: tracing is off. */
  OTEL_EXPORTER_OTLP_ENDPOINT: unsetIfEmpty(httpUrl.optional()),
  /** The full traces URL, used as given (takes precedence over OTEL_EXPORTER_OTLP_ENDPOINT). */
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: unsetIfEmpty(httpUrl.optional()),
  /** `service.name` of the spans; default: the service's own name. */
  OTEL_SERVICE_NAME: unsetIfEmpty(z.string().trim().min(1).max(256).optional()),
  OTEL_TRACES_SAMPLER: unsetIfEmpty(z.enum(SAMPLERS, { error: `must be one of ${SAMPLERS.join(', ')}` }).default('parentbased_always_on')),
  /** The ratio of the *traceidratio samplers (0…1); ignored by the others. */
  OTEL_TRACES_SAMPLER_ARG: unsetIfEmpty(z.coerce.number().min(0).max(1).optional()),
  /** `true` turns tracing off whatever else is set. */
  OTEL_SDK_DISABLED: unsetIfEmpty(flag.default(false)),
};
