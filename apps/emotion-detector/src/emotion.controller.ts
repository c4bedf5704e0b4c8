import { Controller } from '@nestjs/common';
import { EventPattern } from '@nestjs/microservices';
import { InteractionTopics, type InteractionEvent } from '@cx/contracts';
import type { BatchResult, InboundBatch } from '@cx/kafka';
import { EmotionPipeline } from './emotion.pipeline';

@Controller()
export class EmotionController {
  constructor(private readonly pipeline: EmotionPipeline) {}

  @EventPattern([...InteractionTopics])
  handle(batch: InboundBatch<InteractionEvent>): Promise<BatchResult<InteractionEvent>> {
    return this.pipeline.process(batch);
  }
}
