import { Controller } from '@nestjs/common';
import { EventPattern } from '@nestjs/microservices';
import { InteractionTopics, type InteractionEvent } from '@cx/contracts';
import type { BatchResult, InboundBatch } from '@cx/kafka';

@Controller()
export class SlaController {
  // Walking skeleton: consumes and commits; the SLA engine (libs/sla) plugs in here.
  @EventPattern([...InteractionTopics])
  async handle(_batch: InboundBatch<InteractionEvent>): Promise<BatchResult<InteractionEvent>> {
    return { outputs: [] };
  }
}
