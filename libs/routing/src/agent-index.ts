import type { Agent } from '@cx/contracts';

/** An agent from the directory with the number of open escalations currently assigned to them. */
export type AgentWithLoad = Agent & { load: number };

/** Least loaded first, then by agent id (code-unit order) — the order `pickAgent` ranks by. */
export function compareLoadThenId(a: AgentWithLoad, b: AgentWithLoad): number {
  return a.load - b.load || (a.agentId < b.agentId ? -1 : a.agentId > b.agentId ? 1 : 0);
}

/**
 * A tenant's agent directory indexed for routing, so a pick costs the team's best few agents
 * instead of a scan over the whole directory:
 * - per team, its members (any role and status), for the supervisor look-ups;
 * - per team, the available agents (role `agent`) kept sorted least loaded first, then by id.
 *   `pickAgent` walks that list and returns the first one with capacity, the language, the
 *   skills and not excluded: the same agent the linear scan over the directory finds.
 * Loads change in place through `adjust` (one binary-searched move per team of the agent), so
 * an index can live across batches; the agents inside are its own copies.
 */
export class AgentIndex {
  readonly agents: readonly AgentWithLoad[];
  private readonly byId = new Map<string, AgentWithLoad>();
  private readonly members = new Map<string, AgentWithLoad[]>();
  private readonly ready = new Map<string, AgentWithLoad[]>();

  constructor(agents: Iterable<AgentWithLoad>) {
    const all: AgentWithLoad[] = [];
    for (const source of agents) {
      const a = { ...source };
      if (this.byId.has(a.agentId)) continue;
      this.byId.set(a.agentId, a);
      all.push(a);
      for (const team of new Set(a.teams)) {
        push(this.members, team, a);
        if (a.role === 'agent' && a.status === 'available') push(this.ready, team, a);
      }
    }
    for (const list of this.ready.values()) list.sort(compareLoadThenId);
    this.agents = all;
  }

  get(agentId: string): AgentWithLoad | undefined {
    return this.byId.get(agentId);
  }

  /** Every member of the team, whatever its role and status. */
  team(team: string): readonly AgentWithLoad[] {
    return this.members.get(team) ?? [];
  }

  /** The least-loaded available agent of the team with capacity, the language and every skill (ties: lower id). */
  pickAgent(team: string, accepts: (a: AgentWithLoad) => boolean): AgentWithLoad | undefined {
    const list = this.ready.get(team);
    if (!list) return undefined;
    for (const a of list) if (a.load < a.maxConcurrent && accepts(a)) return a;
    return undefined;
  }

  /** Changes an agent's load by `delta` (exactly: undoing is adjusting by `-delta`); unknown ids are ignored. */
  adjust(agentId: string, delta: number): void {
    const a = this.byId.get(agentId);
    if (!a || delta === 0) return;
    const lists = a.role === 'agent' && a.status === 'available' ? [...new Set(a.teams)].map((t) => this.ready.get(t)!) : [];
    for (const list of lists) list.splice(position(list, a), 1);
    a.load += delta;
    for (const list of lists) list.splice(position(list, a), 0, a);
  }
}

function push(map: Map<string, AgentWithLoad[]>, key: string, a: AgentWithLoad): void {
  const list = map.get(key);
  if (list) list.push(a);
  else map.set(key, [a]);
}

/** Index of the first entry not ranked before `a` (its own index when it is in the list). */
function position(list: readonly AgentWithLoad[], a: AgentWithLoad): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareLoadThenId(list[mid], a) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
