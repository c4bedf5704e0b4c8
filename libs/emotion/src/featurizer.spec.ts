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
      // 16-bit serving weights: the logit differs by rounding only.
      expect(Math.abs(z1 - z2)).toBeLessThan(1e-3);
      expect(sink.n).toBe(buf.n);
    }
  });
});
