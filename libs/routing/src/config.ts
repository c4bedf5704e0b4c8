import { z } from 'zod';
import { parseIsoDuration } from '@cx/sla';
import { Channel, ComplaintIntent, Priority, ReasonCode, Severity } from '@cx/contracts';

/**
 * Per-tenant routing configuration.
 *
 * Every field has a default, so `RoutingConfig.parse({})` is a complete, sensible configuration
 * and a tenant file only needs to state what differs. Durations are ISO 8601 (`PT2M`, `PT1H`),
 * as in the SLA policy files.
 *
 * Severity (see `computeSeverity`): the highest of
 *   1. `severity.reasons[code]` for every reason on the escalation,
 *   2. `severity.intents[intent]` for every complaint intent (principle 4: a complaint is a moment
 *      of truth),
 *   3. `severity.rules[i].severity` for every rule whose `when` holds (all stated conditions must
 *      hold; a list holds when any of its entries matches),
 * then raised by `severity.tierBoost[tier]` levels (capped at critical), so by default an SLA
 * breach (high) for a `vip` customer is critical. Severity never goes down on an open escalation.
 */

/** ISO 8601 duration, validated by the one duration parser (libs/sla); use `durationMs` to read it. */
export const IsoDuration = z.string().superRefine((s, ctx) => {
  const r = parseIsoDuration(s);
  if (!r.ok) ctx.addIssue({ code: 'custom', message: `${r.reason} (e.g. PT5M)` });
});

export function durationMs(iso: string): number {
  const r = parseIsoDuration(iso);
  if (!r.ok) throw new Error(r.reason);
  return r.ms;
}

export const DEFAULT_REASON_SEVERITY: Record<ReasonCode, Severity> = {
  negative_emotion: 'low',
  negative_streak: 'medium',
  ended_negative: 'medium',
  customer_at_risk: 'high',
  complaint_intent: 'medium',
  sla_warning: 'medium',
  sla_breached: 'high',
};

export const DEFAULT_INTENT_SEVERITY: Record<ComplaintIntent, Severity> = {
  unclear_bill: 'medium',
  provisioning: 'medium',
  hotline_wait: 'medium',
  refund: 'medium',
  outage: 'high',
  cancellation_threat: 'critical',
  legal_threat: 'critical',
};

function severityShape<K extends string>(defaults: Record<K, Severity>): Record<K, z.ZodDefault<typeof Severity>> {
  return Object.fromEntries(Object.entries(defaults).map(([k, v]) => [k, Severity.default(v as Severity)])) as
    Record<K, z.ZodDefault<typeof Severity>>;
}

export const SeverityRule = z.object({
  /** Free text, shown nowhere but useful in a config review. */
  description: z.string().optional(),
  when: z.object({
    reasons: z.array(ReasonCode).optional(),
    intents: z.array(ComplaintIntent).optional(),
    tiers: z.array(z.string()).optional(),
    /** The conversation's priority (low, normal, high, urgent), as last known. */
    priorities: z.array(Priority).optional(),
    channels: z.array(Channel).optional(),
    /** SLA metric of an `sla_warning`/`sla_breached` reason: firstResponse, nextResponse, resolution, queueWait, promise. */
    slaMetrics: z.array(z.string()).optional(),
  }),
  severity: Severity,
});
export type SeverityRule = z.infer<typeof SeverityRule>;

export const TeamRule = z.object({
  match: z.object({
    channels: z.array(Channel).optional(),
    queues: z.array(z.string()).optional(),
    /** Language tags; `de` matches `de-AT`. */
    languages: z.array(z.string()).optional(),
    tiers: z.array(z.string()).optional(),
  }),
  team: z.string().min(1),
});
export type TeamRule = z.infer<typeof TeamRule>;

export const TeamSettings = z.object({
  /** Slack-compatible incoming-webhook URL. Treat as a secret: never log it. */
  webhookUrl: z.url().optional(),
  /** Only escalations at or above this severity go to the webhook. */
  webhookMinSeverity: Severity.default('low'),
});
export type TeamSettings = z.infer<typeof TeamSettings>;

export const RoutingConfig = z.object({
  severity: z.object({
    /** Severity of each reason code. */
    reasons: z.object(severityShape(DEFAULT_REASON_SEVERITY)).prefault({}),
    /** Severity of each complaint intent. */
    intents: z.object(severityShape(DEFAULT_INTENT_SEVERITY)).prefault({}),
    /** Severity levels added for a customer tier (capped at critical). */
    tierBoost: z.record(z.string(), z.number().int().min(0).max(3)).default({ vip: 1 }),
    /** Severity levels added for the conversation's priority (added to the tier boost, capped at critical). */
    priorityBoost: z.partialRecord(Priority, z.number().int().min(0).max(3)).default({ urgent: 1 }),
    rules: z.array(SeverityRule).default([
      { description: 'SLA breach on a VIP', when: { reasons: ['sla_breached'], tiers: ['vip'] }, severity: 'critical' },
      { description: 'a broken promise', when: { reasons: ['sla_breached'], slaMetrics: ['promise'] }, severity: 'high' },
      { description: 'a promise at risk', when: { reasons: ['sla_warning'], slaMetrics: ['promise'] }, severity: 'high' },
    ]),
  }).prefault({}),

  /** Escalation ladder: how long each step waits for an acknowledgement, by severity. */
  ackTimeouts: z.object({
    critical: IsoDuration.default('PT2M'),
    high: IsoDuration.default('PT5M'),
    medium: IsoDuration.default('PT15M'),
    low: IsoDuration.default('PT60M'),
  }).prefault({}),
  ladder: z.object({
    /** Distinct agents tried (one after another) before the team's supervisor; critical skips agents. */
    agentSteps: z.number().int().min(1).max(10).default(2),
  }).prefault({}),

  /**
   * Cool-down against flapping detectors. After a resolve, a request within this time whose
   * reason codes were all on the resolved escalation and whose severity is not higher is merged
   * into it silently (no new escalation). Anything new after it raises a new escalation.
   */
  coolDown: IsoDuration.default('PT10M'),
  /** Reasons kept per escalation; beyond it the oldest repeats of a code are dropped. */
  maxReasons: z.number().int().min(1).max(500).default(50),

  context: z.object({
    /** Recent interactions of the customer kept on an escalation (principle 6). */
    recentInteractions: z.number().int().min(0).max(50).default(5),
    /**
     * How long the router keeps a customer's history (interactions, flags, promises) after the
     * last request about them (principle 7: only as long as it serves the purpose).
     */
    historyTtl: IsoDuration.default('P30D'),
    /** The customer's own last messages kept on an escalation (masked by the detector). */
    lastMessages: z.number().int().min(0).max(20).default(5),
  }).prefault({}),

  /**
   * How long the router keeps what people did with escalations (principle 7): the history of
   * resolved escalations (console history view, CSV export) and the feedback labels that
   * `train:emotion -- --feedback` learns from (masked text, at most `feedbackLabels` per tenant,
   * newest first).
   */
  retention: z.object({
    history: IsoDuration.default('P90D'),
    feedback: IsoDuration.default('P180D'),
    feedbackLabels: z.number().int().min(1).max(100_000).default(10_000),
  }).prefault({}),

  teams: z.object({
    /** Team when no rule matches and the request names none. */
    default: z.string().min(1).default('support'),
    /** The first rule whose match holds gives the team (when the request names none). */
    rules: z.array(TeamRule).default([]),
    /** Per-team settings (webhook). */
    settings: z.record(z.string(), TeamSettings).default({}),
  }).prefault({}),

  /** Skills required of an agent for an intent (a supervisor takes it when no agent has them). */
  skillsByIntent: z.record(z.string(), z.array(z.string())).default({}),
});
export type RoutingConfig = z.infer<typeof RoutingConfig>;
export type RoutingConfigInput = z.input<typeof RoutingConfig>;

/**
 * A file with defaults for all tenants and overrides per tenant, e.g.
 * `{ defaults: { coolDown: 'PT5M' }, tenants: { acme: { teams: { default: 'care' } } } }`.
 */
export const RoutingConfigFile = z.object({
  defaults: z.record(z.string(), z.unknown()).default({}),
  tenants: z.record(z.string(), z.record(z.string(), z.unknown())).default({}),
});
export type RoutingConfigFile = z.infer<typeof RoutingConfigFile>;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function deepMerge(base: unknown, over: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(over)) return over === undefined ? base : over;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = deepMerge(base[k], v);
  return out;
}

/** Parses a whole config file; throws a ZodError naming the path of a bad field (tenant included). */
export function parseRoutingConfigFile(input: unknown): { defaults: RoutingConfig; tenants: Record<string, RoutingConfig> } {
  const file = RoutingConfigFile.parse(input ?? {});
  const defaults = RoutingConfig.parse(file.defaults);
  const tenants: Record<string, RoutingConfig> = {};
  for (const [tenant, over] of Object.entries(file.tenants)) {
    const merged = deepMerge(file.defaults, over);
    const r = RoutingConfig.safeParse(merged);
    if (!r.success) {
      throw new z.ZodError(r.error.issues.map((i) => ({ ...i, path: ['tenants', tenant, ...i.path] })));
    }
    tenants[tenant] = r.data;
  }
  return { defaults, tenants };
}

/** The config of one tenant from a parsed file (the defaults when the tenant has no entry). */
export function configForTenant(file: { defaults: RoutingConfig; tenants: Record<string, RoutingConfig> }, tenant: string): RoutingConfig {
  return file.tenants[tenant] ?? file.defaults;
}

export const DEFAULT_ROUTING_CONFIG: RoutingConfig = RoutingConfig.parse({});

export function ackTimeoutMs(config: RoutingConfig, severity: Severity): number {
  return durationMs(config.ackTimeouts[severity]);
}
