import type { Agent } from '@cx/contracts';
import { AgentDirectory } from './agent-directory';
import { RouterKeys } from '../router-keys';

const keys = new RouterKeys({ keyPrefix: '', url: '', namespace: 'rt', dedupeTtlSeconds: 60 });
const agent = (agentId: string): Agent => ({
  agentId, name: agentId, teams: ['support'], languages: ['en'], skills: [], role: 'agent', status: 'available', maxConcurrent: 10,
});

/** Redis as far as the routing view reads it: the directory hash and the load counters. */
function fakeRedis() {
  const hashes = new Map<string, Record<string, string>>();
  let reads = 0;
  const redis = {
    defineCommand: () => undefined,
    pipeline() {
      const queued: string[] = [];
      const p = {
        hgetall: (k: string) => { queued.push(k); return p; },
        exec: async () => { reads++; return queued.map((k) => [null, { ...(hashes.get(k) ?? {}) }]); },
      };
      return p;
    },
  };
  return { redis, hashes, reads: () => reads };
}

function setup() {
  const fake = fakeRedis();
  fake.hashes.set(keys.agents('acme'), Object.fromEntries(['a1', 'a2'].map((id) => [id, JSON.stringify({ ...agent(id), at: 1 })])));
  fake.hashes.set(keys.load('acme'), { a1: '1', a2: '2' });
  const directory = new AgentDirectory(fake.redis as never, keys);
  return { directory, fake, setLoad: (id: string, n: number) => { fake.hashes.get(keys.load('acme'))![id] = String(n); } };
}

describe('AgentDirectory routing view', () => {
  afterEach(() => jest.useRealTimers());

  it('is read once and reused while fresh', async () => {
    const { directory, fake } = setup();
    const a = await directory.withLoad('acme');
    const b = await directory.withLoad('acme');
    expect(a).toBe(b);
    expect(fake.reads()).toBe(1);
    expect(a.get('a1')!.load).toBe(1);
  });

  it('applies a plan\'s load changes at once and takes them back when it does not commit', async () => {
    const { directory } = setup();
    await directory.withLoad('acme');
    const r = directory.reserve('acme');
    r.add('a1', 2);
    expect(directory.current('acme').get('a1')!.load).toBe(3);
    r.cancel();
    expect(directory.current('acme').get('a1')!.load).toBe(1);
  });

  it('keeps pending and newly committed changes over a refresh, and drops those the read already includes', async () => {
    jest.useFakeTimers({ now: 1_000_000, doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    const { directory, setLoad } = setup();
    await directory.withLoad('acme');
    const committed = directory.reserve('acme');
    committed.add('a1', 1);
    committed.commit();
    setLoad('a1', 2); // Redis has the committed change
    const pending = directory.reserve('acme');
    pending.add('a2', 1); // not committed yet: not in Redis
    jest.setSystemTime(1_000_000 + 300);
    await directory.withLoad('acme'); // due: refresh in the background, current view returned
    await new Promise((r) => setImmediate(r));
    const view = directory.current('acme');
    expect(view.get('a1')!.load).toBe(2);
    expect(view.get('a2')!.load).toBe(3);
    pending.cancel();
    expect(directory.current('acme').get('a2')!.load).toBe(2);
  });

  it('reads afresh before use after a PUT on this instance, and after a long idle time', async () => {
    jest.useFakeTimers({ now: 1_000_000, doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    const { directory, fake, setLoad } = setup();
    await directory.withLoad('acme');
    (directory as unknown as { invalidate(t: string): void }).invalidate('acme');
    setLoad('a1', 7);
    expect((await directory.withLoad('acme')).get('a1')!.load).toBe(7);
    setLoad('a1', 8);
    jest.setSystemTime(1_000_000 + 10_000);
    expect((await directory.withLoad('acme')).get('a1')!.load).toBe(8);
    expect(fake.reads()).toBe(3);
  });
});
