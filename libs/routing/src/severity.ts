import type { Channel, ComplaintIntent, Priority, Reason, Severity } from '@cx/contracts';
import type { RoutingConfig, SeverityRule } from './config';

export const SEVERITY_ORDER: readonly Severity[] = ['low', 'medium', 'high', 'critical'];

export function severityRank(s: Severity): number {
  return SEVERITY_ORDER.indexOf(s);
}

export function maxSeverity(...values: Severity[]): Severity {
  let best: Severity = 'low';
  for (const v of values) if (severityRank(v) > severityRank(best)) best = v;
  return best;
}

export function atLeast(s: Severity, min: Severity): boolean {
  return severityRank(s) >= severityRank(min);
}

export interface SeverityInput {
  reasons: Pick<Reason, 'code' | 'sla'>[];
  intents: ComplaintIntent[];
  tier?: string;
  priority?: Priority;
  channel?: Channel;
}

function ruleHolds(rule: SeverityRule, input: SeverityInput): boolean {
  const w = rule.when;
  if (w.reasons && !input.reasons.some((r) => w.reasons!.includes(r.code))) return false;
  if (w.intents && !input.intents.some((i) => w.intents!.includes(i))) return false;
  if (w.tiers && !(input.tier !== undefined && w.tiers.includes(input.tier))) return false;
  if (w.priorities && !(input.priority !== undefined && w.priorities.includes(input.priority))) return false;
  if (w.channels && !(input.channel !== undefined && w.channels.includes(input.channel))) return false;
  if (w.slaMetrics && !input.reasons.some((r) => r.sla !== undefined && w.slaMetrics!.includes(r.sla.metric))) {
    return false;
  }
  return true;
}

/**
 * Severity by the tenant's documented rules: the highest of the per-reason, per-intent and
 * matching-rule severities, raised by the tier and priority boosts (added, capped at critical).
 * Pure and order-free.
 */
export function computeSeverity(input: SeverityInput, config: RoutingConfig): Severity {
  const s = config.severity;
  let sev: Severity = 'low';
  for (const r of input.reasons) sev = maxSeverity(sev, s.reasons[r.code]);
  for (const i of input.intents) sev = maxSeverity(sev, s.intents[i]);
  for (const rule of s.rules) if (ruleHolds(rule, input)) sev = maxSeverity(sev, rule.severity);
  const boost = (input.tier !== undefined ? s.tierBoost[input.tier] ?? 0 : 0)
    + (input.priority !== undefined ? s.priorityBoost[input.priority] ?? 0 : 0);
  const rank = Math.min(severityRank(sev) + boost, SEVERITY_ORDER.length - 1);
  return SEVERITY_ORDER[rank];
}
