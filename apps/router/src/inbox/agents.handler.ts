/*
 * Presence from cx.agents (the router's own PUTs and any other producer of presence): the newest
 * update of each agent wins, whatever order the updates arrive in.
 */
import { Injectable } from '@nestjs/common';
import type { z } from 'zod';
import type { AgentUpdatedV1 } from '@cx/contracts';
import type { Change, InboundItem, Plan, UnitHandler } from '@cx/runtime';
import { RouterKeys } from '../router-keys';
import { AgentDirectory } from '../store/agent-directory';

type AgentUpdated = z.infer<typeof AgentUpdatedV1>;

@Injectable()
export class AgentsHandler implements UnitHandler<AgentUpdated, undefined> {
  constructor(private readonly keys: RouterKeys, private readonly directory: AgentDirectory) {}

  route(e: AgentUpdated) {
    return this.keys.agents(e.tenantid);
  }

  async prepare(): Promise<undefined> {
    return undefined;
  }

  plan(items: InboundItem<AgentUpdated>[]): Plan<AgentUpdated> {
    const changes: Change[] = items.map(({ event }) => {
      const r = this.route(event);
      return { shard: r.shard, entity: r.entity, commands: [this.directory.putCommand(event.tenantid, event.data, Date.parse(event.time))] };
    });
    return { changes };
  }
}
