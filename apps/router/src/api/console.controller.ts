/*
 * What the console reads besides the escalations: the wallboard, presence per team, and the
 * history of resolved escalations (paged, and as CSV). Every answer is limited to the caller's
 * tenant and to what canSee lets them see.
 */
import { BadRequestException, Controller, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import { DateTime } from 'luxon';
import type { Channel } from '@cx/contracts';
import type { RouteQuery } from '@cx/http';
import { canSee, historyCsv, presenceByTeam, resolveTeam, wallboard, type Principal, type TeamSlaCount } from '@cx/routing';
import { TenantRoutingConfig } from '../config/routing-config.provider';
import { ROUTER_CLOCK, type Clock } from '../router-clock';
import { AgentDirectory } from '../store/agent-directory';
import { SlaAttainmentReader } from '../store/sla-attainment.reader';
import { EscalationStore, publicView } from '../store/escalation.store';
import { ApiRoute, RouteInput } from './api-route.decorator';
import { CurrentPrincipal } from './auth.guard';
import { windowOf, type WindowQuery } from './console-schemas';
import { HistoryStore } from './history-store';
import { ROUTES } from './routes';

/** Rows of one CSV export at most (a day of a large center fits; narrow the window for more). */
const EXPORT_MAX = 20_000;

function windowOr400(q: WindowQuery): { fromMs: number; toMs: number } {
  const w = windowOf(q);
  if ('error' in w) throw new BadRequestException(w.error);
  return w;
}

@Controller()
export class ConsoleController {
  constructor(
    private readonly store: EscalationStore,
    private readonly directory: AgentDirectory,
    private readonly history: HistoryStore,
    private readonly slaCells: SlaAttainmentReader,
    private readonly config: TenantRoutingConfig,
    @Inject(ROUTER_CLOCK) private readonly now: Clock,
  ) {}

  /** Presence per team: supervisors and admins see every team (to reassign across teams), agents their own. */
  @ApiRoute(ROUTES.presence)
  async presence(@CurrentPrincipal() who: Principal) {
    const agents = (await this.directory.withLoad(who.tenant)).agents;
    return { teams: presenceByTeam(agents, who.role === 'agent' ? who.teams : undefined) };
  }

  /** The wallboard since `since` (default: the start of today in `tz`, default UTC); see @cx/routing wallboard. */
  @ApiRoute(ROUTES.wallboard)
  async wallboard(@CurrentPrincipal() who: Principal, @RouteInput('query') q: RouteQuery<typeof ROUTES.wallboard>) {
    const now = this.now();
    const since = q.since ?? DateTime.fromMillis(now, { zone: q.tz ?? 'UTC' }).startOf('day').toUTC().toISO()!;
    const [open, resolved, index, cells] = await Promise.all([
      this.store.listOpen(who.tenant, 5000),
      this.history.list(who, { fromMs: Date.parse(since), toMs: now }, 5000),
      this.directory.withLoad(who.tenant),
      this.slaCells.cells(who.tenant, Date.parse(since), now),
    ]);
    // Each ended clock belongs to the team the routing rules give its conversation's attributes.
    const cfg = this.config.forTenant(who.tenant);
    const sla: TeamSlaCount[] = cells.map((c) => ({
      team: resolveTeam(cfg, { channel: c.channel as Channel | undefined, queue: c.queue, language: c.language, tier: c.tier }), outcome: c.outcome, count: c.count,
    }));
    return wallboard({
      open: open.filter((e) => canSee(who, e, e.tenantId)).map(publicView),
      resolved, agents: index.agents, since, sla,
      teams: who.role === 'admin' ? undefined : who.teams,
    });
  }

  @ApiRoute(ROUTES.history)
  async historyPage(@CurrentPrincipal() who: Principal, @RouteInput('query') q: RouteQuery<typeof ROUTES.history>) {
    const w = windowOr400(q);
    const { items, total } = await this.history.page(who, { ...w, team: q.team, limit: q.limit, offset: q.offset });
    const next = q.offset + items.length;
    return {
      from: new Date(w.fromMs).toISOString(), to: new Date(w.toMs).toISOString(),
      total, offset: q.offset, limit: q.limit, nextOffset: next < total ? next : null, items,
    };
  }

  @ApiRoute(ROUTES.historyCsv)
  async historyCsv(@CurrentPrincipal() who: Principal, @RouteInput('query') q: RouteQuery<typeof ROUTES.historyCsv>, @Res() res: Response): Promise<void> {
    const w = windowOr400(q);
    const items = await this.history.list(who, { ...w, team: q.team }, EXPORT_MAX);
    const name = `escalations-${new Date(w.fromMs).toISOString().slice(0, 10)}${q.team ? `-${q.team.replace(/[^A-Za-z0-9_-]/g, '_')}` : ''}.csv`;
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="${name}"`);
    res.send(historyCsv(items));
  }
}
