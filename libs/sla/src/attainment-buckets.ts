/*
 * SLA attainment as the console shows it ("within SLA today" for a supervisor's teams): the
 * sla-monitor counts every clock that ended, met or breached, into 15-minute buckets of event time
 * in Redis, beside the conversation's state and in the same commit (so a retried unit counts once);
 * the router sums the buckets of the user's day and maps each bucket's conversation attributes to a
 * team with its own routing rules. The sla-monitor knows no teams, the router sees no clocks that
 * never warned: the attributes are what both understand.
 *
 * 15 minutes, because every time zone in use starts its day on a quarter hour (Nepal: +05:45).
 * A `reopened` resolution clock takes back its `met` (in the reopen's bucket, so a day can show a
 * met taken back from the day before: the reader clamps at zero).
 */
import type { SlaMetric } from '@cx/contracts';
import type { SlaCompletion, SlaState } from './sla-state';

/** The sla-monitor's key namespace (libs/redis KeySpace), where the router reads the buckets. */
export const SLA_KEY_NAMESPACE = 'sla';

export const ATTAINMENT_BUCKET_MS = 15 * 60_000;
/** Buckets are kept two days past their own, long enough for any user's "today". */
export const ATTAINMENT_TTL_SECONDS = 3 * 86_400;

export type AttainmentOutcome = 'met' | 'breached';

/** One bucket cell: what a clock's end adds to it. */
export interface AttainmentCell {
  /** UTC day of the bucket, `YYYY-MM-DD`: one Redis hash per tenant, day and shard. */
  day: string;
  /** Bucket start (epoch ms). */
  bucketMs: number;
  metric: SlaMetric;
  outcome: AttainmentOutcome;
  channel?: string;
  queue?: string;
  language?: string;
  tier?: string;
}

/** The hash of a tenant's day within a shard (the caller adds the key space and shard tag). */
export function attainmentKeyName(tenant: string, day: string): string {
  return `att:${day}:${tenant}`;
}

/** The hash field of a cell: JSON, since queue names may hold any character. */
export function attainmentField(c: Omit<AttainmentCell, 'day'>): string {
  return JSON.stringify([c.bucketMs, c.metric, c.outcome, c.channel ?? '', c.queue ?? '', c.language ?? '', c.tier ?? '']);
}

export function parseAttainmentField(field: string, day: string): AttainmentCell | undefined {
  try {
    const [bucketMs, metric, outcome, channel, queue, language, tier] = JSON.parse(field) as [number, SlaMetric, AttainmentOutcome, string, string, string, string];
    if (typeof bucketMs !== 'number' || (outcome !== 'met' && outcome !== 'breached')) return undefined;
    return { day, bucketMs, metric, outcome, ...(channel ? { channel } : {}), ...(queue ? { queue } : {}), ...(language ? { language } : {}), ...(tier ? { tier } : {}) };
  } catch {
    return undefined;
  }
}

/** The days (UTC) a window touches, for the reader's key list. */
export function attainmentDays(fromMs: number, toMs: number): string[] {
  const out: string[] = [];
  for (let d = Math.floor(fromMs / 86_400_000); d <= Math.floor(toMs / 86_400_000); d++) out.push(new Date(d * 86_400_000).toISOString().slice(0, 10));
  return out;
}

/** What clocks that ended add to the buckets: met +1, breached +1, reopened −1 met; dropped nothing. */
export function attainmentIncrements(completions: readonly SlaCompletion[], state: SlaState | undefined): { tenant: string; cell: AttainmentCell; by: number }[] {
  const a = state?.a ?? {};
  const out: { tenant: string; cell: AttainmentCell; by: number }[] = [];
  for (const c of completions) {
    if (c.outcome === 'dropped') continue;
    const bucketMs = c.atMs - (((c.atMs % ATTAINMENT_BUCKET_MS) + ATTAINMENT_BUCKET_MS) % ATTAINMENT_BUCKET_MS);
    const cell: AttainmentCell = {
      day: new Date(bucketMs).toISOString().slice(0, 10), bucketMs, metric: c.metric, outcome: c.outcome === 'breached' ? 'breached' : 'met',
      ...(a.c ? { channel: a.c } : {}), ...(a.q ? { queue: a.q } : {}), ...(a.l ? { language: a.l } : {}), ...(a.t ? { tier: a.t } : {}),
    };
    out.push({ tenant: c.tenantid, cell, by: c.outcome === 'reopened' ? -1 : 1 });
  }
  return out;
}
