import { InteractionEvent } from '@cx/contracts';
import { SeededRandom, Zipf } from './seeded-random';
import { TrafficGenerator, type TrafficOptions } from './traffic-generator';

const options: TrafficOptions = {
  seed: 42, conversations: 200, customers: 150, negativeShare: 0.2, complaintShare: 0.1, poisonShare: 0.01,
  agentReplyRate: 0.8, tenant: 'default', runId: 'spec',
};

describe('TrafficGenerator', () => {
  const take = (o: TrafficOptions, n: number) => {
    const g = new TrafficGenerator(o);
    return Array.from({ length: n }, (_, i) => g.next(Date.UTC(2026, 0, 1) + i * 10));
  };

  it('is reproducible with a seed and differs across seeds', () => {
    expect(take(options, 500)).toEqual(take(options, 500));
    expect(take({ ...options, seed: 43 }, 500)).not.toEqual(take(options, 500));
  });

  it('emits valid contract events except the poison share, keyed by conversation', () => {
    const events = take(options, 5000);
    const poison = events.filter((e) => e.poison);
    expect(poison.length).toBeGreaterThan(10);
    expect(poison.length).toBeLessThan(120);
    for (const e of events.filter((x) => !x.poison)) {
      const parsed = InteractionEvent.safeParse(e.value);
      if (!parsed.success) throw new Error(`${JSON.stringify(e.value)}: ${parsed.error.message}`);
      expect(parsed.data.subject).toBe(e.key);
    }
  });

  it('covers all channels, both languages and Zipf-skewed activity', () => {
    const events = take({ ...options, poisonShare: 0 }, 5000);
    const topics = new Set(events.map((e) => e.topic));
    expect(topics.size).toBe(3);
    const texts = events.map((e) => (e.value as { data: { text?: string } }).data.text).filter(Boolean).join(' ');
    expect(texts).toMatch(/Frechheit|enttäuscht|Rechnung/);
    expect(texts).toMatch(/unacceptable|disappointed|bill/);
    // Over a short window the hottest conversation is far busier than a typical one.
    const perConv = new Map<string, number>();
    for (const e of events.slice(0, 60)) perConv.set(e.key, (perConv.get(e.key) ?? 0) + 1);
    expect(Math.max(...perConv.values())).toBeGreaterThanOrEqual(5);
    expect(perConv.size).toBeLessThan(45);
  });
});

describe('Zipf', () => {
  it('gives rank k a share proportional to 1/k^s', () => {
    const r = new SeededRandom(1);
    const z = new Zipf(100, 1.1);
    const hits = new Array(100).fill(0);
    for (let i = 0; i < 200_000; i++) hits[z.sample(r)]++;
    expect(hits[0] / hits[1]).toBeCloseTo(2 ** 1.1, 0);
    expect(hits[0] / hits[9]).toBeCloseTo(10 ** 1.1, -0.5);
  });
});
