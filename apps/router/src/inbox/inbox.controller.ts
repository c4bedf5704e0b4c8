import { Controller } from '@nestjs/common';
import { EventPattern } from '@nestjs/microservices';
import { Topics, type AgentUpdatedV1, type EscalationEvent } from '@cx/contracts';
import type { BatchResult, InboundBatch } from '@cx/kafka';
import type { z } from 'zod';
import { AgentDirectory } from '../store/agent-directory';
import { InboxPipeline } from './inbox.pipeline';

type AgentUpdated = z.infer<typeof AgentUpdatedV1>;

@Controller()
export class InboxController {
  constructor(private readonly inbox: InboxPipeline, private readonly directory: AgentDirectory) {}

  @EventPattern(Topics.escalations)
  handle(batch: InboundBatch<EscalationEvent>): Promise<BatchResult<EscalationEvent>> {
    return this.inbox.process(batch);
  }

  /** Presence from `cx.agents` (our own PUTs and any other producer): newest update wins, in the batch's transaction. */
  @EventPattern(Topics.agents)
  async agents(batch: InboundBatch<AgentUpdated>): Promise<BatchResult<AgentUpdated>> {
    return {
      outputs: [],
      persist: (multi) => {
        for (const { event } of batch.items) this.directory.putIn(multi, event.tenantid, event.data, Date.parse(event.time));
      },
    };
  }
}
