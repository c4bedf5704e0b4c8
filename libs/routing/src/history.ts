import type { Escalation } from '@cx/contracts';
import { toMs } from './merge';

/**
 * The history of resolved escalations (console history view and CSV export): each one with its
 * time to acknowledge (first acknowledgement − raised) and time to resolve (resolved − raised).
 * Pure: the router stores the resolved escalations, this computes what is shown and exported.
 */
export type HistoryItem = Escalation & {
  resolvedAt: string;
  timeToAcknowledgeMs: number | null;
  timeToResolveMs: number;
};

export function historyItem(e: Escalation): HistoryItem {
  const resolvedAt = e.resolvedAt ?? e.updatedAt;
  const created = toMs(e.createdAt);
  return {
    ...e,
    resolvedAt,
    timeToAcknowledgeMs: e.acknowledgedAt ? Math.max(0, toMs(e.acknowledgedAt) - created) : null,
    timeToResolveMs: Math.max(0, toMs(resolvedAt) - created),
  };
}

export const HISTORY_CSV_COLUMNS = [
  'resolvedAt', 'escalationId', 'conversationId', 'channel', 'severity', 'team', 'customerId', 'reasons', 'intents',
  'createdAt', 'acknowledgedAt', 'acknowledgedBy', 'timeToAcknowledgeSeconds', 'resolvedBy', 'timeToResolveSeconds',
  'notes', 'feedback',
] as const;

/**
 * One CSV cell (RFC 4180): quoted when it holds a comma, quote or line break. A cell that a
 * spreadsheet would run as a formula (= + - @, tab, CR first) is prefixed with ' (OWASP CSV
 * injection): ids and customer ids come from outside.
 */
export function csvCell(v: string | number | null | undefined): string {
  if (v === null || v === undefined) return '';
  let s = String(v);
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const seconds = (ms: number | null) => (ms === null ? null : Math.round(ms / 100) / 10);

/** The CSV row of one history item, in HISTORY_CSV_COLUMNS order (times UTC RFC 3339, durations in seconds). */
export function historyCsvRow(h: HistoryItem): string {
  const cells: (string | number | null | undefined)[] = [
    h.resolvedAt, h.escalationId, h.conversationId, h.channel, h.severity, h.target.team, h.context.customerId,
    [...new Set(h.reasons.map((r) => r.code))].join(';'), h.intents.join(';'),
    h.createdAt, h.acknowledgedAt, h.acknowledgedBy, seconds(h.timeToAcknowledgeMs), h.resolvedBy, seconds(h.timeToResolveMs),
    h.notes?.length ?? 0, (h.feedback ?? []).map((f) => f.verdict).join(';'),
  ];
  return cells.map(csvCell).join(',');
}

export function historyCsv(items: HistoryItem[]): string {
  return [HISTORY_CSV_COLUMNS.join(','), ...items.map(historyCsvRow)].join('\r\n') + '\r\n';
}

/**
 * Merges several id lists of the history index (newest first, each `[id, resolvedAtMs]`) into one,
 * without duplicates, newest first: a supervisor's history is the union of their teams' lists
 * and their own.
 */
export function mergeHistoryIds(lists: [string, number][][]): [string, number][] {
  const best = new Map<string, number>();
  for (const list of lists) for (const [id, at] of list) if (!best.has(id) || best.get(id)! < at) best.set(id, at);
  return [...best.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}
