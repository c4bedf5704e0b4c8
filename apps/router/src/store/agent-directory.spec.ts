import type { Agent } from '@cx/contracts';
import { KeySpace } from '@cx/redis';
import { mergeRequest, RoutingConfig } from '@cx/routing';
import { reason, request, T0 } from '../../../../libs/routing/src/test-fixtures';
import { RouterKeys } from '../router-keys';
import { AgentDirectory } from './agent-directory';
import type { ChangeFeed, ChangeMessage } from './change-feed';
import type { StoredEscalation } from './escalation.store';

const keys = new RouterKeys(new KeySpace('', 'rt', 4));
const agent = (agentId: string): Agent => ({
  agentId, name: agentId, teams: ['support'], languages: ['en'], skills: [], role: 'agent', status: 'available', maxConcurrent: 10,
});

/** Redis as far as the routing view reads it: the directory hash and the per-shard load counters. */
function fakeRedis() {
  const hashes = new Map<string, Record<string, string>>();
  let reads = 0;
  const redis = { hgetall: async (k: string) => { if (k === keys.agents('acme').key) reads++; return { ...(hashes.get(k) ?? {}) }; } };
  return { redis, hashes, reads: () => reads };
}

function setup() {
  const fake = fakeRedis();
  fake.hashes.set(keys.agents('acme').key, Object.fromEntries(['a1', 'a2'].map((id) => [id, JSON.stringify({ ...agent(id), at: 1 })])));
  // a1 holds one escalation in shard 0; a2 one in shard 1 and one in shard 3: loads are summed over shards.
  fake.hashes.set(keys.load(0, 'acme'), { a1: '1' });
  fake.hashes.set(keys.load(1, 'acme'), { a2: '1' });
  fake.hashes.set(keys.load(3, 'acme'), { a2: '1' });
  let listener: (m: ChangeMessage) => void = () => undefined;
  const feed = { subscribe: (l: (m: ChangeMessage) => void) => { listener = l; } } as unknown as ChangeFeed;
  const directory = new AgentDirectory(fake.redis as never, keys, feed);
  return { directory, fake, publish: (m: ChangeMessage) => listener(m) };
}

const base = mergeRequest(undefined, request([reason('negative_emotion', 'm1')]), RoutingConfig.parse({}), T0).escalation;
const esc = (over: Partial<StoredEscalation>): StoredEscalation => ({ ...base, tenantId: 'acme', ...over });

describe('AgentDirectory routing view', () => {
  afterEach(() => jest.useRealTimers());

  it('is read once, with loads summed over the shards, and reused while fresh', async () => {
    const { directory, fake } = setup();
    const a = await directory.withLoad('acme');
    const b = await directory.withLoad('acme');
    expect(a).toBe(b);
    expect(fake.reads()).toBe(1);
    expect([a.get('a1')!.load, a.get('a2')!.load]).toEqual([1, 2]);
  });

  it('lets a plan see its own load changes and takes them back when the plan is done', async () => {
    const { directory } = setup();
    await directory.withLoad('acme');
    const scope = directory.scope('acme');
    scope.add(new Map([['a1', 2]]));
    expect(directory.current('acme').get('a1')!.load).toBe(3);
    scope.undo();
    expect(directory.current('acme').get('a1')!.load).toBe(1);
  });

  it('follows committed changes from the change feed: a raise, a re-route and a resolve', async () => {
    const { directory, publish } = setup();
    await directory.withLoad('acme');
    const load = (id: string) => directory.current('acme').get(id)!.load;
    const raised = esc({ assignee: { kind: 'agent', id: 'a1' } });
    publish({ change: 'raised', escalation: raised });
    expect(load('a1')).toBe(2);
    const moved = esc({ assignee: { kind: 'agent', id: 'a2' }, ladderStep: 1 });
    publish({ change: 'escalated', escalation: moved, before: { escalationId: raised.escalationId, status: 'open', assignee: raised.assignee } });
    expect([load('a1'), load('a2')]).toEqual([1, 3]);
    publish({ change: 'resolved', escalation: { ...moved, status: 'resolved' }, before: { escalationId: moved.escalationId, status: 'open', assignee: moved.assignee } });
    expect(load('a2')).toBe(2);
  });

  it('reads afresh before use after a PUT on this instance, and after a long idle time', async () => {
    jest.useFakeTimers({ now: 1_000_000, doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    const { directory, fake } = setup();
    await directory.withLoad('acme');
    directory.invalidate('acme');
    fake.hashes.set(keys.load(0, 'acme'), { a1: '7' });
    expect((await directory.withLoad('acme')).get('a1')!.load).toBe(7);
    fake.hashes.set(keys.load(0, 'acme'), { a1: '8' });
    jest.setSystemTime(1_000_000 + 10_000);
    expect((await directory.withLoad('acme')).get('a1')!.load).toBe(8);
    expect(fake.reads()).toBe(3);
  });
});
