import { InteractionEvent, type InteractionEvent as Ev } from '@cx/contracts';
import { KeySpace } from '@cx/redis';
import { InteractionsHandler } from './emotion.handlers';
import { EmotionKeys } from './emotion-keys';
import { TenantEmotionConfig } from './tenant-emotion.config';

const msg = (i: number, conv: string, text: string): Ev => InteractionEvent.parse({
  specversion: '1.0', id: `e${i}`, source: 'urn:t', type: 'cx.message.v1', time: `2026-03-02T10:00:0${i}.000Z`, subject: conv,
  data: { conversationId: conv, channel: 'chat', messageId: `m${i}`, author: { role: 'customer', id: 'k1' }, text },
});
const items = (events: Ev[]) => events.map((event, i) => ({ event, topic: 'cx.interactions.chat', partition: 0, offset: String(i), raw: { key: null, value: null } }));

describe('InteractionsHandler (service test with a fake Redis read port)', () => {
  const keys = new EmotionKeys(new KeySpace('p:', 'emo', 8));
  let reads = 0;
  const fakeRedis = (isCluster: boolean) => ({ isCluster, mget: async (...k: string[]) => { reads++; return k.map(() => null); } });
  const handler = new InteractionsHandler(fakeRedis(false) as never, keys, TenantEmotionConfig.load(undefined), 3600);
  const events = [msg(1, 'a', 'This is unacceptable!'), msg(2, 'a', 'Still nothing, I am furious!!!'), msg(3, 'b', 'Thanks, all good.')];

  it('reads the states of a unit in one MGET on a single node, one per shard on a Cluster', async () => {
    reads = 0;
    await handler.prepare(events);
    expect(reads).toBe(1);
    reads = 0;
    await new InteractionsHandler(fakeRedis(true) as never, keys, TenantEmotionConfig.load(undefined), 3600).prepare(events);
    expect(reads).toBe(new Set(['a', 'b'].map((c) => keys.conversation('default', c).shard)).size);
    expect(reads).toBe(2); // a and b sit in different shards of 8
  });

  it('applies events in order and writes each touched conversation once', async () => {
    const loaded = await handler.prepare(events);
    const plan = handler.plan(items(events), loaded);
    expect(plan.deadLetters).toEqual([]);
    expect(plan.changes.map((c) => c.entity).sort()).toEqual(['conv:default:a', 'conv:default:b']);
    const a = plan.changes.find((c) => c.entity === 'conv:default:a')!;
    expect(a.commands).toHaveLength(1);
    expect(a.commands![0]).toMatchObject({ name: 'SET', keys: [keys.conversation('default', 'a').key], args: [expect.any(String), 'EX', 3600] });
    expect(JSON.parse(String(a.commands![0].args[0])).emo.streak).toBe(2);
    expect(a.events!.filter((o) => o.event.type === 'cx.escalation.requested.v1')).toHaveLength(2);
    // Metrics travel with the change and are counted once it commits.
    expect(plan.changes.flatMap((c) => c.counts ?? []).filter((c) => c.metric === 'cx_emotion_messages_analysed_total')).toHaveLength(3);
  });

  it('renews only the TTL of a conversation the unit left as it was, and writes one it changed', async () => {
    const key = keys.conversation('default', 'a').key;
    const stored = String(handler.plan(items(events.slice(0, 2)), await handler.prepare(events)).changes[0].commands![0].args[0]);
    const agent = InteractionEvent.parse({ ...msg(4, 'a', 'Let me check that for you.'), data: { ...msg(4, 'a', '').data, author: { role: 'agent', id: 'ag1' }, text: 'Let me check that for you.' } });
    const loaded = new Map([[key, stored]]);
    expect(handler.plan(items([agent]), loaded).changes[0].commands).toEqual([{ name: 'EXPIRE', keys: [key], args: [3600] }]);
    const [change] = handler.plan(items([agent, msg(5, 'a', 'This is unacceptable!')]), loaded).changes;
    expect(change.commands![0]).toMatchObject({ name: 'SET', keys: [key], args: [expect.any(String), 'EX', 3600] });
    expect(JSON.parse(String(change.commands![0].args[0])).emo.streak).toBe(3);
  });
});
