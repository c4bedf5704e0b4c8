import { Body, Controller, ForbiddenException, Get, Inject, Param, Put, UseGuards } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Agent, makeEvent, Topics } from '@cx/contracts';
import { Committer } from '@cx/runtime';
import { ROUTER_CLOCK, type Clock } from '../router-clock';
import { RouterKeys } from '../router-keys';
import type { Principal } from '@cx/routing';
import { AgentDirectory } from '../store/agent-directory';
import { AuthGuard, CurrentPrincipal } from './auth.guard';
import { SOURCE } from '../store/escalation-events';
import { parseOr400 } from './validation';

const AgentId = Agent.shape.agentId.regex(/^[A-Za-z0-9._@-]+$/, 'letters, digits, ".", "_", "@" and "-" only');
/** The body of PUT /api/agents/:id: the agent without its id (that is in the path); unknown fields are an error. */
export const AgentBody = Agent.omit({ agentId: true }).strict();

/**
 * Agent directory and presence. A PUT is applied at once (so routing uses it immediately) and
 * published as `cx.agent.updated.v1` on `cx.agents`, which every router consumes, so all
 * instances and any other producer of presence converge on the newest update.
 */
@Controller('api/agents')
@UseGuards(AuthGuard)
export class AgentsController {
  constructor(
    private readonly directory: AgentDirectory,
    private readonly committer: Committer,
    private readonly keys: RouterKeys,
    @Inject(ROUTER_CLOCK) private readonly clock: Clock,
  ) {}

  @Get()
  list(@CurrentPrincipal() who: Principal) {
    return this.directory.list(who.tenant);
  }

  @Put(':id')
  async put(@CurrentPrincipal() who: Principal, @Param('id') rawId: string, @Body() body: unknown): Promise<Agent> {
    const agentId = parseOr400(AgentId, rawId, 'agent id');
    const input = parseOr400(AgentBody, body ?? {}, 'agent');
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
