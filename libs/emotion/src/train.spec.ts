/** Training helpers: example weights, naive-Bayes scaling and averaging over data orders. */
import { DEFAULT_TRAIN_OPTIONS, Vectorised, biasSlots, createFeatureSpace, nbRatios, predict, trainLogReg, vectorise } from './train';

describe('vectorise', () => {
  it('multiplies the call weight by each line\'s own weight', () => {
    const space = createFeatureSpace(12);
    const ex = vectorise([
      { text: 'The flight is late again', lang: 'en', negative: true },
      { text: 'Der Zug fällt schon wieder aus', lang: 'de', negative: true, weight: 0.5 },
    ], space, 1, 2);
    expect(ex.map((e) => e.w)).toEqual([2, 1]);
  });
});

const ex = (idx: number[], y: number, w = 1): Vectorised => ({ idx: Int32Array.from(idx), val: Float32Array.from(idx.map(() => 1)), y, lang: 'en', offset: 0, w });

describe('nbRatios', () => {
  const data = [ex([0, 1, 1], 1), ex([0, 1], 1), ex([0, 2], 0), ex([0, 3], 0, 3)];
  const r = nbRatios(data, 8, 1, [0]);
  it('is positive for a slot seen only in negative messages, negative for one only in calm ones', () => {
    expect(r[1]).toBeGreaterThan(0);
    expect(r[2]).toBeLessThan(0);
  });
  it('counts a slot once per message and weighs it by the example weight', () => {
    // slot 1: 2 messages (+1 smoothing) against 0 (+1); slot 3: one message of weight 3 (+1) against 0 (+1).
    const P = 8 + 2 + 2; // alpha on each of 8 slots, plus slots 0 and 1 once in each negative message
    const Q = 8 + 2 + 2 * 3; // slots 0 and 2 in the first calm message, 0 and 3 in the one of weight 3
    expect(r[1]).toBeCloseTo(Math.log(3 / P) - Math.log(1 / Q), 10);
    expect(r[3]).toBeCloseTo(Math.log(1 / P) - Math.log(4 / Q), 10);
  });
  it('leaves the kept (bias) slots at 1', () => {
    expect(r[0]).toBe(1);
    const space = createFeatureSpace(12);
    expect(biasSlots(space)).toHaveLength(2);
  });
});

describe('trainLogReg', () => {
  const space = createFeatureSpace(14);
  const lines = [
    ...['terrible service again', 'the worst delay ever', 'awful, my bag is lost', 'this is terrible'].map((text) => ({ text, lang: 'en', negative: true })),
    ...['thanks, great flight', 'lovely crew, thank you', 'what time do you open', 'great service thanks'].map((text) => ({ text, lang: 'en', negative: false })),
  ];
  const data = vectorise(lines, space, 0);
  const opts = { ...DEFAULT_TRAIN_OPTIONS, dimBits: 14, epochs: 20 };
  it('separates a toy set with naive-Bayes scaling folded into the weights (serving is a plain dot product)', () => {
    const w = trainLogReg(data, { ...opts, nbAlpha: 1, orders: 1 });
    for (const e of data) expect(predict(w, e) >= 0.5).toBe(e.y === 1);
  });
  it('averages the weights of `orders` single runs with consecutive seeds', () => {
    const one = (seed: number) => trainLogReg(data, { ...opts, nbAlpha: 1, orders: 1, seed });
    const a = one(opts.seed);
    const b = one(opts.seed + 1);
    const avg = trainLogReg(data, { ...opts, nbAlpha: 1, orders: 2 });
    let differ = false;
    for (let j = 0; j < avg.length; j++) {
      expect(avg[j]).toBeCloseTo((a[j] + b[j]) / 2, 5);
      if (Math.abs(a[j] - b[j]) > 1e-6) differ = true;
    }
    expect(differ).toBe(true);
  });
});
