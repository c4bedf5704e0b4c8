/* Registers the sla-monitor's consumer with the Kafka transport for every input topic. */
import { Controller } from '@nestjs/common';
import { EventPattern } from '@nestjs/microservices';
import { InteractionTopics } from '@cx/contracts';
import { SlaHandler } from './sla.handler';

@Controller()
export class SlaController {
  constructor(private readonly handler: SlaHandler) {}

  @EventPattern([...InteractionTopics])
  interactions(): SlaHandler {
    return this.handler;
  }
}
