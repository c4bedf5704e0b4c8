import { Controller } from '@nestjs/common';
import { EventPattern } from '@nestjs/microservices';
import { InteractionTopics, type InteractionEvent } from '@cx/contracts';
import type { BatchResult, InboundBatch } from '@cx/kafka';
import { SlaPipeline } from './sla.pipeline';

@Controller()
export class SlaController {
  constructor(private readonly pipeline: SlaPipeline) {}

  @EventPattern([...InteractionTopics])
  handle(batch: InboundBatch<InteractionEvent>): Promise<BatchResult<InteractionEvent>> {
    return this.pipeline.process(batch);
  }
}
