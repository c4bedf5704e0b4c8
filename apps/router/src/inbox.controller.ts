import { Controller } from '@nestjs/common';
import { EventPattern } from '@nestjs/microservices';
import { Topics, type EscalationEvent } from '@cx/contracts';
import type { BatchResult, InboundBatch } from '@cx/kafka';
import { InboxPipeline } from './inbox.pipeline';

@Controller()
export class InboxController {
  constructor(private readonly inbox: InboxPipeline) {}

  @EventPattern(Topics.escalations)
  handle(batch: InboundBatch<EscalationEvent>): Promise<BatchResult<EscalationEvent>> {
    return this.inbox.process(batch);
  }
}
