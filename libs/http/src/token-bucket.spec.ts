import { TokenBuckets } from './token-bucket';

describe('TokenBuckets', () => {
  let now = 0;
  const clock = () => now;
  beforeEach(() => { now = 1_000_000; });

  it('lets a burst of a minute\'s budget through, then one request per 60/N s, with an honest Retry-After', () => {
    const b = new TokenBuckets({ perMinute: 60 }, clock);
    for (let i = 0; i < 60; i++) expect(b.take('k')).toEqual({ ok: true });
    expect(b.take('k')).toEqual({ ok: false, retryAfterSeconds: 1 });
    now += 999;
    expect(b.take('k').ok).toBe(false);
    now += 2; // one token refilled after 1 s
    expect(b.take('k')).toEqual({ ok: true });
    expect(b.take('k').ok).toBe(false);
  });

  it('counts each key on its own', () => {
    const b = new TokenBuckets({ perMinute: 2 }, clock);
    expect([b.take('a').ok, b.take('a').ok, b.take('a').ok]).toEqual([true, true, false]);
    expect(b.take('b').ok).toBe(true);
    const refused = b.take('a');
    expect(refused).toEqual({ ok: false, retryAfterSeconds: 30 });
  });

  it('honours a smaller burst and 0 = no limit', () => {
    const b = new TokenBuckets({ perMinute: 600, burst: 5 }, clock);
    expect(Array.from({ length: 6 }, () => b.take('k').ok)).toEqual([true, true, true, true, true, false]);
    const off = new TokenBuckets({ perMinute: 0 }, clock);
    expect(Array.from({ length: 1000 }, () => off.take('k').ok).every(Boolean)).toBe(true);
    expect(off.size).toBe(0);
  });

  it('forgets full buckets on sweep and keeps at most maxKeys', () => {
    const b = new TokenBuckets({ perMinute: 60 }, clock, 3);
    for (const k of ['a', 'b', 'c', 'd']) b.take(k);
    expect(b.size).toBe(3);
    now += 2_000;
    b.sweep();
    expect(b.size).toBe(0);
  });
});
