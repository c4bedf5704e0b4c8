import { Topics } from '@cx/contracts';
import { SeededRandom, Zipf } from './seeded-random';
import { AGENT, CUSTOMER, type Lang, type Mood } from './utterances';

export interface TrafficOptions {
  seed: number;
  /** Concurrently active conversations; activity among them is Zipf-distributed. */
  conversations: number;
  customers: number;
  negativeShare: number;
  complaintShare: number;
  /** Share of messages that are invalid on purpose (for DLQ tests). */
  poisonShare: number;
  /** Probability that an agent answers a customer message at its next turn (lower = more SLA misses). */
  agentReplyRate: number;
  tenant: string;
  runId: string;
}

export interface Generated {
  topic: string;
  key: string;
  /** The CloudEvent, or a poison value (a string) when `poison`. */
  value: Record<string, unknown> | string;
  poison?: boolean;
}

type Channel = 'chat' | 'email' | 'call';
interface Conversation {
  id: string; channel: Channel; lang: Lang; mood: Mood; customerId: string; tier: string;
  step: number; length: number; waitingForAgent: boolean; promiseOpen?: string;
}

const TOPIC: Record<Channel, string> = { chat: Topics.chat, email: Topics.email, call: Topics.call };

/** Endless, reproducible contact-center traffic: `next(nowMs)` returns the next event to send. */
export class TrafficGenerator {
  private readonly r: SeededRandom;
  private readonly zipf: Zipf;
  private readonly customerZipf: Zipf;
  private readonly active: Conversation[] = [];
  private counter = 0;

  constructor(private readonly o: TrafficOptions) {
    this.r = new SeededRandom(o.seed);
    this.zipf = new Zipf(o.conversations);
    this.customerZipf = new Zipf(o.customers, 0.9);
    for (let i = 0; i < o.conversations; i++) this.active.push(this.newConversation());
  }

  private newConversation(): Conversation {
    const r = this.r;
    const channel: Channel = r.chance(0.5) ? 'chat' : r.chance(0.6) ? 'email' : 'call';
    const mood: Mood = r.chance(this.o.negativeShare) ? 'negative' : r.chance(this.o.complaintShare) ? 'complaint' : 'neutral';
    return {
      id: `lg-${this.o.runId}-${(this.counter++).toString(36)}`, channel, lang: r.chance(0.5) ? 'de' : 'en', mood,
      customerId: `cust-${this.o.runId}-${this.customerZipf.sample(r)}`, tier: r.chance(0.1) ? 'vip' : 'standard',
      step: 0, length: 4 + r.int(10), waitingForAgent: false,
    };
  }

  next(nowMs: number): Generated {
    const slot = this.zipf.sample(this.r);
    const c = this.active[slot];
    if (this.r.chance(this.o.poisonShare)) return this.poison(c);
    const out = this.advance(c, new Date(nowMs).toISOString());
    if (c.step >= c.length + 2) this.active[slot] = this.newConversation();
    return out;
  }

  private envelope(c: Conversation, type: string, time: string, data: Record<string, unknown>): Generated {
    const withChannel = type.startsWith('cx.call.') || type.startsWith('cx.promise.') ? data : { channel: c.channel, ...data };
    return {
      topic: TOPIC[c.channel], key: c.id,
      value: {
        specversion: '1.0', id: `${c.id}-${c.step}`, source: 'urn:loadgen', type, time, subject: c.id,
        tenantid: this.o.tenant, data: { conversationId: c.id, ...withChannel },
      },
    };
  }

  private advance(c: Conversation, time: string): Generated {
    const r = this.r;
    const step = c.step++;
    if (step === 0 && c.channel === 'call') return this.envelope(c, 'cx.call.queued.v1', time, { queue: c.lang === 'de' ? 'care-de' : 'care-en' });
    if (step === 0 || (step === 1 && c.channel === 'call')) {
      if (c.channel === 'call') return this.envelope(c, 'cx.call.answered.v1', time, { agentId: `agent-${r.int(50)}` });
      return this.envelope(c, 'cx.conversation.opened.v1', time, {
        customer: { id: c.customerId, tier: c.tier, language: c.lang }, priority: r.pick(['low', 'normal', 'normal', 'high']),
      });
    }
    if (step >= c.length) {
      if (c.promiseOpen && r.chance(0.5)) {
        const promiseId = c.promiseOpen;
        c.promiseOpen = undefined;
        return this.envelope(c, 'cx.promise.kept.v1', time, { promiseId });
      }
      return this.envelope(c, 'cx.conversation.status.v1', time, { status: step > c.length ? 'closed' : 'resolved' });
    }
    if (c.waitingForAgent && r.chance(this.o.agentReplyRate)) {
      c.waitingForAgent = false;
      if (!c.promiseOpen && r.chance(0.05)) {
        c.promiseOpen = `p-${step}`;
        return this.envelope(c, 'cx.promise.made.v1', time, {
          promiseId: c.promiseOpen, kind: r.pick(['callback', 'reply', 'resolution']),
          dueAt: new Date(Date.parse(time) + (30 + r.int(300)) * 1000).toISOString(),
        });
      }
      return this.message(c, 'agent', r.pick(AGENT[c.lang]), time);
    }
    c.waitingForAgent = true;
    const mood: Mood = c.mood !== 'neutral' && r.chance(0.7) ? c.mood : 'neutral';
    return this.message(c, 'customer', r.pick(CUSTOMER[c.lang][mood]), time);
  }

  private message(c: Conversation, role: 'customer' | 'agent', text: string, time: string): Generated {
    return this.envelope(c, 'cx.message.v1', time, {
      messageId: `${c.id}-m${c.step}`, author: role === 'customer' ? { role, id: c.customerId } : { role, id: 'agent-lg' }, text,
    });
  }

  private poison(c: Conversation): Generated {
    const kind = this.r.int(3);
    const value = kind === 0 ? '{"specversion":"1.0", truncated' : kind === 1
      ? JSON.stringify({ specversion: '1.0', id: `${c.id}-poison-${this.counter++}`, type: 'cx.message.v1', source: 'urn:loadgen', subject: c.id, time: 'not-a-time', data: {} })
      : '\u0000\u0001binary';
    return { topic: TOPIC[c.channel], key: c.id, value, poison: true };
  }
}
