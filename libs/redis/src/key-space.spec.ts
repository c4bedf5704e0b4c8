import { encodeCommit } from './commit-script';
import { fnv1a, KeySpace } from './key-space';
import { hashTagOf } from './read-many';

describe('KeySpace', () => {
  const keys = new KeySpace('p:', 'emo', 32);

  it('puts every key of a shard under one hash tag (one Redis Cluster slot)', () => {
    const shard = keys.shardOf('acme', 'conv-1');
    const tags = [keys.key(shard, 'conv:acme:conv-1'), keys.marks(shard), keys.outbox(shard), keys.outboxDue(shard)].map(hashTagOf);
    expect(new Set(tags)).toEqual(new Set([`emo.${shard}`]));
    expect(keys.key(shard, 'x').startsWith('p:cx:emo:')).toBe(true);
  });

  it('derives a stable shard from tenant and id, spread over all shards', () => {
    expect(keys.shardOf('default', 'c1')).toBe(fnv1a('c1') % 32);
    expect(keys.shardOf('acme', 'c1')).toBe(keys.shardOf('acme', 'c1'));
    const used = new Set(Array.from({ length: 2000 }, (_, i) => keys.shardOf('t', `conv-${i}`)));
    expect(used.size).toBe(32);
  });

  it('rejects a namespace that could break the key layout', () => {
    expect(() => new KeySpace('', 'Bad:ns', 4)).toThrow(/namespace/);
    expect(() => new KeySpace('', 'ok', 0)).toThrow(/shard count/);
  });
});

describe('hashTagOf', () => {
  it.each([['a{x}b', 'x'], ['a{}b', 'a{}b'], ['plain', 'plain'], ['{a}{b}', 'a']])('%s → %s', (k, tag) => expect(hashTagOf(k)).toBe(tag));
});

describe('encodeCommit', () => {
  it('lists each key once after the outbox keys and refers to keys by index', () => {
    const { keys, args } = encodeCommit({
      outboxKey: 'o', outboxDueKey: 'od', now: 5, markTtlMs: 10, outboxId: 'id1', leaseUntil: 9,
      parts: [
        { marksKey: 'm', marks: ['a'], guards: [{ key: 's1', digest: 'd' }], commands: [{ name: 'SET', keys: ['s1'], args: ['v'] }], payload: 'line', fanout: [{ channel: 'c', message: 'x' }] },
        { marksKey: 'm', marks: [], guards: [], commands: [{ name: '@move', keys: ['s1', 's2', 's3'], args: ['e', '', 'a1', 60] }], payload: '', fanout: [] },
        { marksKey: 'm2', marks: ['b', 'c'], guards: [], commands: [], payload: '', fanout: [] },
      ],
    });
    expect(keys).toEqual(['o', 'od', 'm', 's1', 's2', 's3', 'm2']);
    expect(args).toEqual([5, 10, 'id1', 9, 3,
      3, 1, 'a', 1, 4, 'd', 1, 'SET', 1, 1, 4, 'v', 'line', 1, 'c', 'x',
      1, 0, 0, 1, '@move', 3, 4, 4, 5, 6, 'e', '', 'a1', 60, '', 0,
      7, 2, 'b', 'c', 0, 0, '', 0]);
  });

  it('appends published outbox entries to drop after the parts, their keys listed once (the call\'s own outbox by index 1 and 2)', () => {
    const { keys, args } = encodeCommit({
      outboxKey: 'o', outboxDueKey: 'od', now: 5, markTtlMs: 0, outboxId: 'id2', leaseUntil: 9,
      parts: [{ marksKey: 'm', marks: [], guards: [], commands: [], payload: '', fanout: [] }],
      acks: [{ outboxKey: 'o', outboxDueKey: 'od', ids: ['id0', 'id1'] }, { outboxKey: 'o3', outboxDueKey: 'od3', ids: ['x'] }, { outboxKey: 'o4', outboxDueKey: 'od4', ids: [] }],
    });
    expect(keys).toEqual(['o', 'od', 'o3', 'od3']);
    expect(args).toEqual([5, 0, 'id2', 9, 1, 1, 0, 0, 0, '', 0, 2, 1, 2, 2, 'id0', 'id1', 3, 4, 1, 'x']);
  });

  it('refuses a procedure the script does not have', () => {
    expect(() => encodeCommit({ outboxKey: 'o', outboxDueKey: 'od', now: 1, markTtlMs: 0, outboxId: 'i', leaseUntil: 2,
      parts: [{ marksKey: 'm', marks: [], guards: [], commands: [{ name: '@nope', keys: [], args: [] }], payload: '', fanout: [] }] })).toThrow(/unknown procedure/);
  });
});
