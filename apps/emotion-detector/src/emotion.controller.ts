/* Registers the emotion-detector's handlers with the Kafka transport, one per input topic. */
import { Controller } from '@nestjs/common';
import { EventPattern } from '@nestjs/microservices';
import { InteractionTopics, Topics } from '@cx/contracts';
import { ContributionsHandler, InteractionsHandler } from './emotion.handlers';

@Controller()
export class EmotionController {
  constructor(private readonly interactions: InteractionsHandler, private readonly contributions: ContributionsHandler) {}

  @EventPattern([...InteractionTopics])
  interactionsHandler(): InteractionsHandler {
    return this.interactions;
  }

  @EventPattern(Topics.customerContributions)
  contributionsHandler(): ContributionsHandler {
    return this.contributions;
  }
}
