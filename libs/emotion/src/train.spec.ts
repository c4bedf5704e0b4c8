/** vectorise: a line's training weight (the trainer's FILE@W and data/weights.json) reaches the example. */
import { createFeatureSpace, vectorise } from './train';

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
