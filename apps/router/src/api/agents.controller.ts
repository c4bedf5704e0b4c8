import { Controller, ForbiddenException, Inject } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Agent, makeEvent, Topics } from '@cx/contracts';
import type { RouteBody, RouteParams } from '@cx/http';
import { Committer } from '@cx/runtime';
import { ROUTER_CLOCK, type Clock } from '../router-clock';
import { RouterKeys } from '../router-keys';
import type { Principal } from '@cx/routing';
import { AgentDirectory } from '../store/agent-directory';
import { ApiRoute, RouteInput } from './api-route.decorator';
import { CurrentPrincipal } from './auth.guard';
import { SOURCE } from '../store/escalation-events';
import { ROUTES } from './routes';

/**
 * Agent directory and presence. A PUT is applied at once (so routing uses it immediately) and
 * published as `cx.agent.updated.v1` on `cx.agents`, which every router consumes, so all
 * instances and any other producer of presence converge on the newest update.
 */
@Controller()
export class AgentsController {
  constructor(
    private readonly directory: AgentDirectory,
    private readonly committer: Committer,
    private readonly keys: RouterKeys,
    @Inject(ROUTER_CLOCK) private readonly clock: Clock,
  ) {}

  @ApiRoute(ROUTES.listAgents)
  list(@CurrentPrincipal() who: Principal) {
    return this.directory.list(who.tenant);
  }

  @ApiRoute(ROUTES.putAgent)
  async put(@CurrentPrincipal() who: Principal, @RouteInput('params') { id: agentId }: RouteParams<typeof ROUTES.putAgent>,
    @RouteInput('body') input: RouteBody<typeof ROUTES.putAgent>): Promise<Agent> {
    // Agents may set their own presence, but not make themselves supervisors or edit colleagues.
    if (who.role === 'agent' && (who.agentId !== agentId || input.role !== 'agent')) {
      throw new ForbiddenException('an agent key may only update its own agent with role agent');
    }
    const agent: Agent = { agentId, ...input };
    const time = new Date(this.clock());
    const route = this.keys.agents(who.tenant);
    // Applied at once (routing uses it immediately) and published, so every instance converges.
    await this.committer.apply([{
      shard: route.shard, entity: route.entity,
      commands: [this.directory.putCommand(who.tenant, agent, time.getTime())],
      events: [{
        topic: Topics.agents,
        event: makeEvent({ type: 'cx.agent.updated.v1' as const, source: SOURCE, subject: agentId, tenantid: who.tenant, time, id: randomUUID(), data: agent }),
      }],
    }]);
    this.directory.invalidate(who.tenant);
    return agent;
  }
}
