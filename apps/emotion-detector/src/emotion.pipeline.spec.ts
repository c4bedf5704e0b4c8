import type { ChainableCommander } from 'ioredis';
import { InteractionEvent, type InteractionEvent as Ev } from '@cx/contracts';
import type { InboundBatch } from '@cx/kafka';
import { PipelineMetrics } from '@cx/metrics';
import type { StateStore } from '@cx/redis';
import { EmotionMetrics } from './emotion-metrics';
import { EmotionPipeline } from './emotion.pipeline';
import { TenantEmotionConfig } from './tenant-emotion.config';

/** A narrow in-memory fake of the state-store port: what the pipeline reads and writes. */
class FakeStore<T> implements StateStore<T> {
  readonly data = new Map<string, T>();
  reads = 0;
  async getMany(keys: string[]) { this.reads++; return new Map(keys.filter((k) => this.data.has(k)).map((k) => [k, this.data.get(k)!])); }
  put(_m: ChainableCommander, key: string, value: T) { this.data.set(key, value); }
}

const msg = (i: number, conv: string, text: string): Ev => InteractionEvent.parse({
  specversion: '1.0', id: `e${i}`, source: 'urn:t', type: 'cx.message.v1', time: `2026-03-02T10:00:0${i}.000Z`, subject: conv,
  data: { conversationId: conv, channel: 'chat', messageId: `m${i}`, author: { role: 'customer', id: 'k1' }, text },
});
const batch = (events: Ev[]): InboundBatch<Ev> => ({ topic: 'cx.interactions.chat', partitions: [0], items: events.map((event, i) => ({ event, topic: 'cx.interactions.chat', partition: 0, offset: String(i), raw: { key: null, value: null } })) });

describe('EmotionPipeline (service test with a fake store)', () => {
  it('reads all states of a batch once, applies events in order and persists the touched conversations', async () => {
    const conversations = new FakeStore<never>();
    const pipeline = new EmotionPipeline(conversations, new FakeStore(), { url: '', keyPrefix: 'p:', namespace: 'emo', dedupeTtlSeconds: 60 }, 3600,
      TenantEmotionConfig.load(undefined), new EmotionMetrics(new PipelineMetrics('test')));
    const r = await pipeline.interactions(batch([msg(1, 'a', 'This is unacceptable!'), msg(2, 'a', 'Still nothing, I am furious!!!'), msg(3, 'b', 'Thanks, all good.')]));
    expect(conversations.reads).toBe(1);
    r.persist!({} as ChainableCommander);
    expect([...conversations.data.keys()].sort()).toEqual(['p:cx:emo:conv:{default:a}', 'p:cx:emo:conv:{default:b}']);
    expect((conversations.data.get('p:cx:emo:conv:{default:a}') as unknown as { emo: { streak: number } }).emo.streak).toBe(2);
    expect(r.outputs.filter((o) => o.event.type === 'cx.escalation.requested.v1')).toHaveLength(2);
    expect(r.deadLetters).toEqual([]);
  });
});
