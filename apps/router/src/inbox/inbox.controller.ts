/* Registers the router's consumers with the Kafka transport. */
import { Controller } from '@nestjs/common';
import { EventPattern } from '@nestjs/microservices';
import { Topics } from '@cx/contracts';
import { AgentsHandler } from './agents.handler';
import { InboxHandler } from './inbox.handler';

@Controller()
export class InboxController {
  constructor(private readonly inbox: InboxHandler, private readonly agents: AgentsHandler) {}

  @EventPattern(Topics.escalations)
  escalations(): InboxHandler {
    return this.inbox;
  }

  @EventPattern(Topics.agents)
  agentUpdates(): AgentsHandler {
    return this.agents;
  }
}
