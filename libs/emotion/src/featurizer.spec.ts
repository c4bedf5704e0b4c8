/** Serving scores features on the fly over 16-bit weights (DotSink); training materialises them: the same logit up to rounding. */
import { DotSink, FeatureBuffer, Tokens, analyse, featurize, scoreFeatures } from './features';
import { loadEmotionModel, logit } from './model';
import { prepareMessage } from './prepare-message';

describe('scoreFeatures (serving) equals featurize + logit (training)', () => {
  it('gives the same logit on varied messages', () => {
    const model = loadEmotionModel();
    const sink = new DotSink(model.servingWeights);
    const buf = new FeatureBuffer(16);
    const tokens = new Tokens();
    const texts = ['', 'ok', 'This is UNACCEPTABLE!!! Call +49 171 1234567', 'Ich warte seit drei Wochen, keine Antwort. 😡',
      'thanks for charging me twice @support http://x.y 12 times', 'Zugausfall '.repeat(300), 'not bad at all, thanks :)'];
    for (const t of texts) {
      const p = prepareMessage(t, t.includes('Ich') || t.includes('Zug') ? 'de' : 'en', 5000);
      if (!p.lang) continue;
      const a = analyse(p.orig, p.lower, p.lang, null, tokens, p.pii);
      featurize(p.lower, a, model.space, buf);
      const z1 = logit(model.weights, buf);
      const z2 = scoreFeatures(p.lower, a, model.space, sink, model.servingWeights, model.servingScale);
      // 16-bit serving weights: the logit differs by rounding only, each weight by at most half a step.
      let mass = 0;
      for (let i = 0; i < buf.n; i++) mass += Math.abs(buf.val[i]);
      expect(Math.abs(z1 - z2)).toBeLessThanOrEqual((mass * model.servingScale) / 2 + 1e-9);
      expect(Math.abs(z1 - z2)).toBeLessThan(5e-3);
      expect(sink.n).toBe(buf.n);
    }
  });
});

describe('DotSink word cache (char n-gram sums per word)', () => {
  const model = loadEmotionModel();
  const tokens = new Tokens();
  const score = (sink: DotSink, t: string, lang: 'en' | 'de') => {
    const p = prepareMessage(t, lang, 5000);
    const a = analyse(p.orig, p.lower, lang, null, tokens, p.pii);
    return scoreFeatures(p.lower, a, model.space, sink, model.servingWeights, model.servingScale);
  };
  const texts: Array<[string, 'en' | 'de']> = [['Großer Ärger mit der Rechnung, schon wieder!', 'de'], ['Grosser Aerger mit der Rechnung, schon wieder!', 'de'],
    ['The refund never arrived and nobody answers.', 'en'], ['Zugausfall, Verspätungsmeldung, Schienenersatzverkehr', 'de'], ['ok', 'en']];

  it('scores a message bit for bit the same with a cold and a warm cache', () => {
    for (const [t, l] of texts) {
      const cold = score(new DotSink(model.servingWeights), t, l);
      const warm = new DotSink(model.servingWeights);
      for (const [u, m] of texts) score(warm, u, m);
      // Thrash the cache with many other words, then score again.
      score(warm, Array.from({ length: 3000 }, (_, i) => `wort${i}x`).join(' '), 'de');
      expect(score(warm, t, l)).toBe(cold);
      expect(score(warm, t, l)).toBe(cold);
    }
  });

  it('keeps words apart that share a feature hash but not their letters ("Ärger" / "Aerger")', () => {
    const sink = new DotSink(model.servingWeights);
    const umlaut = score(sink, 'Ärger', 'de');
    const folded = score(sink, 'Aerger', 'de');
    expect(folded).toBe(score(new DotSink(model.servingWeights), 'Aerger', 'de'));
    expect(umlaut).toBe(score(new DotSink(model.servingWeights), 'Ärger', 'de'));
    expect(umlaut).not.toBe(folded); // different char n-grams
  });
});
