import { InteractionEvent } from '@cx/contracts';

/** Small builders of valid input events for tests and benchmarks. */
export class EventFactory {
  private seq = 0;
  constructor(
    readonly conversationId: string,
    readonly channel: 'chat' | 'email' | 'call' = 'chat',
    readonly source = 'test',
  ) {}

  /** Envelope attributes added to every event made from now on (e.g. a traceparent). */
  envelope: Record<string, string> = {};

  make(type: string, time: string, data: Record<string, unknown>, id?: string): InteractionEvent {
    return InteractionEvent.parse({
      specversion: '1.0',
      id: id ?? `${this.conversationId}-${++this.seq}`,
      source: this.source,
      type,
      time,
      subject: this.conversationId,
      ...this.envelope,
      data: { conversationId: this.conversationId, ...data },
    });
  }
  /** `cx.conversation.updated.v1`: only the attributes that changed (`tags` replaces the list). */
  updated(time: string, changes: { priority?: string; queue?: string; tags?: string[]; tier?: string; channel?: string } = {}, id?: string) {
    const { tier, channel, ...rest } = changes;
    return this.make('cx.conversation.updated.v1', time, { channel: channel ?? this.channel, ...rest, ...(tier ? { customer: { tier } } : {}) }, id);
  }
  opened(time: string, extra: { tier?: string; priority?: string; queue?: string; tags?: string[] } = {}, id?: string) {
    const { tier, ...rest } = extra;
    return this.make('cx.conversation.opened.v1', time, { channel: this.channel, customer: { id: 'cust-1', ...(tier ? { tier } : {}) }, ...rest }, id);
  }
  message(time: string, role: 'customer' | 'agent' | 'bot' | 'system', id?: string) {
    return this.make('cx.message.v1', time, { channel: this.channel, messageId: `m${this.seq + 1}`, author: { role }, text: 'hello' }, id);
  }
  customer(time: string, id?: string) {
    return this.message(time, 'customer', id);
  }
  agent(time: string, id?: string) {
    return this.message(time, 'agent', id);
  }
  status(time: string, status: 'open' | 'pending_customer' | 'on_hold' | 'resolved' | 'closed', id?: string) {
    return this.make('cx.conversation.status.v1', time, { channel: this.channel, status }, id);
  }
  assigned(time: string, id?: string) {
    return this.make('cx.conversation.assigned.v1', time, { channel: this.channel, agentId: 'a1' }, id);
  }
  queued(time: string, id?: string, queue = 'hotline') {
    return this.make('cx.call.queued.v1', time, { queue }, id);
  }
  answered(time: string, id?: string) {
    return this.make('cx.call.answered.v1', time, { agentId: 'a1' }, id);
  }
  abandoned(time: string, id?: string) {
    return this.make('cx.call.abandoned.v1', time, {}, id);
  }
  promiseMade(time: string, promiseId: string, dueAt: string, id?: string) {
    return this.make('cx.promise.made.v1', time, { channel: this.channel, promiseId, kind: 'callback', dueAt }, id);
  }
  promiseKept(time: string, promiseId: string, id?: string) {
    return this.make('cx.promise.kept.v1', time, { channel: this.channel, promiseId }, id);
  }
}
