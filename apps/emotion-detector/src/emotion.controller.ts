import { Controller } from '@nestjs/common';
import { EventPattern } from '@nestjs/microservices';
import { InteractionTopics, Topics, type CustomerContribution, type InteractionEvent } from '@cx/contracts';
import type { BatchResult, InboundBatch } from '@cx/kafka';
import { EmotionPipeline } from './emotion.pipeline';

@Controller()
export class EmotionController {
  constructor(private readonly pipeline: EmotionPipeline) {}

  @EventPattern([...InteractionTopics])
  interactions(batch: InboundBatch<InteractionEvent>): Promise<BatchResult<InteractionEvent>> {
    return this.pipeline.interactions(batch);
  }

  @EventPattern(Topics.customerContributions)
  contributions(batch: InboundBatch<CustomerContribution>): Promise<BatchResult<CustomerContribution>> {
    return this.pipeline.contributions(batch);
  }
}
