/*
 * The input schemas of the console's endpoints (reassign, take over, notes, feedback, history,
 * wallboard): shared by the route table (validation and the OpenAPI document) and the controllers.
 */
import { DateTime, IANAZone } from 'luxon';
import { z } from 'zod';
import { FeedbackVerdict, Rfc3339 } from '@cx/contracts';

const Text = z.string().trim().min(1, 'must not be empty').max(2000);
export const ReassignBody = z.object({
  agentId: z.string().min(1).max(256).optional(),
  team: z.string().min(1).max(128).optional(),
  note: Text.optional(),
}).strict().refine((b) => b.agentId !== undefined || b.team !== undefined, { message: 'name an agentId or a team' });
export const TakeOverBody = z.object({ note: Text.optional() }).strict();
export const NoteBody = z.object({ text: Text }).strict();
/** docs/contract.md (Router API); `messageId` (optional) names which of the customer's last messages the verdict is about. */
export const FeedbackBody = z.object({
  reason: FeedbackVerdict.optional(),
  note: z.string().trim().max(2000).optional(),
  messageId: z.string().min(1).max(256).optional(),
}).strict();

const Zone = z.string().max(64).refine((z) => IANAZone.isValidZone(z), 'must be an IANA time zone such as Europe/Berlin');
const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD');

/** A window either as instants (`from`, `to`) or as one local day (`day`, in `tz`, default UTC). */
export const Window = z.object({
  from: Rfc3339.optional(), to: Rfc3339.optional(), day: Day.optional(), tz: Zone.optional(),
  team: z.string().min(1).max(128).optional(),
});
export const HistoryQuery = Window.extend({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
}).strict();
export const ExportQuery = Window.strict();
export const WallboardQuery = z.object({ since: Rfc3339.optional(), tz: Zone.optional() }).strict();


export type WindowQuery = z.infer<typeof Window>;

const DAY_MS = 24 * 3600_000;

/** The window of a history query in epoch ms (a local day, or from/to, by default the last 24 h). */
export function windowOf(q: WindowQuery, now = Date.now()): { fromMs: number; toMs: number } | { error: string } {
  if (q.day) {
    const start = DateTime.fromISO(q.day, { zone: q.tz ?? 'UTC' }).startOf('day');
    if (!start.isValid) return { error: `invalid query: day: ${q.day} is not a date` };
    return { fromMs: start.toMillis(), toMs: start.plus({ days: 1 }).toMillis() - 1 };
  }
  const toMs = q.to ? Date.parse(q.to) : now;
  return { fromMs: q.from ? Date.parse(q.from) : toMs - DAY_MS, toMs };
}
