import { BadRequestException, Controller, Get, Header, Query, Res, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import { DateTime, IANAZone } from 'luxon';
import { z } from 'zod';
import { Rfc3339 } from '@cx/contracts';
import { canSee, historyCsv, presenceByTeam, wallboard, type Principal } from '@cx/routing';
import { AuthGuard, CurrentPrincipal } from './auth.guard';
import { AgentDirectory } from '../store/agent-directory';
import { EscalationStore, publicView } from '../store/escalation.store';
import { HistoryStore } from './history-store';
import { parseOr400 } from './validation';

const Zone = z.string().max(64).refine((z) => IANAZone.isValidZone(z), 'must be an IANA time zone such as Europe/Berlin');
const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD');

/** A window either as instants (`from`, `to`) or as one local day (`day`, in `tz`, default UTC). */
const Window = z.object({
  from: Rfc3339.optional(), to: Rfc3339.optional(), day: Day.optional(), tz: Zone.optional(),
  team: z.string().min(1).max(128).optional(),
});
export const HistoryQuery = Window.extend({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
}).strict();
export const ExportQuery = Window.strict();
export const WallboardQuery = z.object({ since: Rfc3339.optional(), tz: Zone.optional() }).strict();

const DAY_MS = 24 * 3600_000;
/** Rows of one CSV export at most (a day of a large center fits; narrow the window for more). */
const EXPORT_MAX = 20_000;

function windowOf(q: z.infer<typeof Window>, now = Date.now()): { fromMs: number; toMs: number } {
  if (q.day) {
    const start = DateTime.fromISO(q.day, { zone: q.tz ?? 'UTC' }).startOf('day');
    if (!start.isValid) throw new BadRequestException(`invalid query: day: ${q.day} is not a date`);
    return { fromMs: start.toMillis(), toMs: start.plus({ days: 1 }).toMillis() - 1 };
  }
  const toMs = q.to ? Date.parse(q.to) : now;
  return { fromMs: q.from ? Date.parse(q.from) : toMs - DAY_MS, toMs };
}

/**
 * What the console reads besides the escalations: who the caller is, the wallboard, presence per
 * team, and the history of resolved escalations (paged, and as CSV). Every answer is limited to
 * the caller's tenant and to what canSee lets them see.
 */
@Controller('api')
@UseGuards(AuthGuard)
export class ConsoleController {
  constructor(
    private readonly store: EscalationStore,
    private readonly directory: AgentDirectory,
    private readonly history: HistoryStore,
  ) {}

  @Get('me')
  me(@CurrentPrincipal() who: Principal): Principal {
    return who;
  }

  /** Presence per team: supervisors and admins see every team (to reassign across teams), agents their own. */
  @Get('presence')
  async presence(@CurrentPrincipal() who: Principal) {
    const agents = (await this.directory.withLoad(who.tenant)).agents;
    return { teams: presenceByTeam(agents, who.role === 'agent' ? who.teams : undefined) };
  }

  /** The wallboard since `since` (default: the start of today in `tz`, default UTC); see @cx/routing wallboard. */
  @Get('console/wallboard')
  async wallboard(@CurrentPrincipal() who: Principal, @Query() query: unknown) {
    const q = parseOr400(WallboardQuery, query, 'query');
    const now = Date.now();
    const since = q.since ?? DateTime.fromMillis(now, { zone: q.tz ?? 'UTC' }).startOf('day').toUTC().toISO()!;
    const [open, resolved, index] = await Promise.all([
      this.store.listOpen(who.tenant, 5000),
      this.history.list(who, { fromMs: Date.parse(since), toMs: now }, 5000),
      this.directory.withLoad(who.tenant),
    ]);
    return wallboard({
      open: open.filter((e) => canSee(who, e, e.tenantId)).map(publicView),
      resolved, agents: index.agents, since,
      teams: who.role === 'admin' ? undefined : who.teams,
    });
  }

  @Get('history')
  async historyPage(@CurrentPrincipal() who: Principal, @Query() query: unknown) {
    const q = parseOr400(HistoryQuery, query, 'query');
    const w = windowOf(q);
    const { items, total } = await this.history.page(who, { ...w, team: q.team, limit: q.limit, offset: q.offset });
    const next = q.offset + items.length;
    return {
      from: new Date(w.fromMs).toISOString(), to: new Date(w.toMs).toISOString(),
      total, offset: q.offset, limit: q.limit, nextOffset: next < total ? next : null, items,
    };
  }

  @Get('history.csv')
  @Header('Content-Type', 'text/csv; charset=utf-8')
  async historyCsv(@CurrentPrincipal() who: Principal, @Query() query: unknown, @Res() res: Response): Promise<void> {
    const q = parseOr400(ExportQuery, query, 'query');
    const w = windowOf(q);
    const items = await this.history.list(who, { ...w, team: q.team }, EXPORT_MAX);
    const name = `escalations-${new Date(w.fromMs).toISOString().slice(0, 10)}${q.team ? `-${q.team.replace(/[^A-Za-z0-9_-]/g, '_')}` : ''}.csv`;
    res.setHeader('Content-Disposition', `attachment; filename="${name}"`);
    res.send(historyCsv(items));
  }
}
