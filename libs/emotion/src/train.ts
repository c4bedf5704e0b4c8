/**
 * Pure training code for the hashed logistic-regression model (used by scripts/train-emotion.ts).
 * AdaGrad SGD with L2, class-balanced per language, deterministic (seeded shuffles), on naive-Bayes
 * scaled features, the weights of a few data orders averaged (libs/emotion/README.md, "Model").
 */
import { EMOTION_DEFAULTS } from './config';
import { FeatureBuffer, FeatureSpace, Tokens, analyse, createFeatureSpace, cuePrior, featurize, mix } from './features';
import { prepareMessage } from './prepare-message';
import { LabelledMessage } from './evaluation';
import { sigmoid } from './model';

export interface TrainOptions {
  dimBits: number;
  epochs: number;
  learningRate: number;
  l2: number;
  /** Weight classes so each language's negatives and non-negatives weigh the same in total. */
  balance: boolean;
  /**
   * How much each language counts, from 0 (by its number of messages) to 1 (every language the
   * same total weight), so a small German set is not drowned by a large English one.
   */
  langBalance: number;
  seed: number;
  /** Scale of the contact-center knowledge prior (features.ts `cuePrior`), a fixed offset during training. */
  cuePrior: number;
  /**
   * Naive-Bayes feature scaling (NBSVM, Wang & Manning 2012) with this add-alpha smoothing (0 = off):
   * each slot's input is multiplied by its log-count ratio between the classes in the training data,
   * the learnt weights are multiplied back, so the model file and serving stay a plain dot product.
   */
  nbAlpha?: number;
  /**
   * Train this many models on different data orders (seed, seed+1, ...) and average their weights
   * (1 = one model). A linear model's average is one linear model: no serving cost, less of the
   * order-to-order variance (±0.015-0.025 MCC) a single SGD run has.
   */
  orders?: number;
}

export const DEFAULT_TRAIN_OPTIONS: TrainOptions = {
  dimBits: 18,
  epochs: 8,
  learningRate: 0.03,
  l2: 1e-5,
  balance: true,
  langBalance: 0,
  seed: 42,
  cuePrior: 1,
  // Measured 2026-12-01 against nbAlpha 0 / orders 1 (libs/emotion/README.md, Figures).
  nbAlpha: 1,
  orders: 3,
};

export interface Vectorised {
  idx: Int32Array;
  val: Float32Array;
  y: number;
  lang: string;
  /** Fixed log-odds offset (the knowledge prior). */
  offset: number;
  /** Example weight on top of the class weights (feedback labels weigh more than base data). */
  w: number;
}

/** Featurise messages exactly as the detector does (same normalisation, cues and hashing). */
export function vectorise(data: LabelledMessage[], space: FeatureSpace, priorScale = DEFAULT_TRAIN_OPTIONS.cuePrior, weight = 1): Vectorised[] {
  const buf = new FeatureBuffer(8192);
  const tokens = new Tokens();
  const out: Vectorised[] = [];
  for (const d of data) {
    const p = prepareMessage(d.text, d.lang || undefined, EMOTION_DEFAULTS.maxChars);
    if (p.lang === null) continue;
    const a = analyse(p.orig, p.lower, p.lang, null, tokens, p.pii);
    featurize(p.lower, a, space, buf);
    out.push({ idx: buf.idx.slice(0, buf.n), val: Float32Array.from(buf.val.subarray(0, buf.n)), y: d.negative ? 1 : 0, lang: p.lang,
      offset: cuePrior(a, priorScale), w: weight * (d.weight ?? 1) });
  }
  return out;
}

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function shuffle<T>(arr: T[], rnd: () => number): T[] {
  for (let i = arr.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [arr[i], arr[j]] = [arr[j], arr[i]];
  }
  return arr;
}

/**
 * Per-slot log-count ratio log(p_j/|p|) - log(q_j/|q|) over the examples (p: negative messages,
 * q: the others; a message counts a slot once, times its example weight, so a feedback label
 * counts as the base lines it stands for), add-alpha smoothed; the `keep` slots get 1.
 */
export function nbRatios(examples: Vectorised[], dim: number, alpha: number, keep: Iterable<number> = []): Float64Array {
  const p = new Float64Array(dim).fill(alpha);
  const q = new Float64Array(dim).fill(alpha);
  const seen = new Int32Array(dim).fill(-1);
  examples.forEach((e, n) => {
    const c = e.y ? p : q;
    for (let i = 0; i < e.idx.length; i++) {
      const j = e.idx[i];
      if (seen[j] === n) continue;
      seen[j] = n;
      c[j] += e.w;
    }
  });
  let P = 0;
  let Q = 0;
  for (let j = 0; j < dim; j++) {
    P += p[j];
    Q += q[j];
  }
  const r = new Float64Array(dim);
  for (let j = 0; j < dim; j++) r[j] = Math.log(p[j] / P) - Math.log(q[j] / Q);
  for (const j of keep) r[j] = 1;
  return r;
}

/** The per-language bias slots: NB scaling leaves them at 1 (a bias is no evidence for either class). */
export function biasSlots(space: FeatureSpace): number[] {
  return Object.values(space.biasHash).map((h) => mix(h) & space.mask);
}

export function trainLogReg(examples: Vectorised[], opts: TrainOptions): Float32Array {
  const k = Math.max(1, Math.floor(opts.orders ?? 1));
  if (k === 1) return trainOne(examples, opts);
  const sum = new Float64Array(1 << opts.dimBits);
  for (let i = 0; i < k; i++) {
    const w = trainOne(examples, { ...opts, seed: opts.seed + i, orders: 1 });
    for (let j = 0; j < w.length; j++) sum[j] += w[j];
  }
  return Float32Array.from(sum, (x) => x / k);
}

function trainOne(examples: Vectorised[], opts: TrainOptions): Float32Array {
  const dim = 1 << opts.dimBits;
  const w = new Float64Array(dim);
  const space = createFeatureSpace(opts.dimBits);
  const r = opts.nbAlpha ? nbRatios(examples, dim, opts.nbAlpha, biasSlots(space)) : null;
  const g2 = new Float64Array(dim).fill(1e-8);
  // Class weights per language.
  const cw = new Map<string, [number, number]>();
  const counts = new Map<string, [number, number]>();
  for (const e of examples) {
    const c = counts.get(e.lang) ?? [0, 0];
    c[e.y] += e.w;
    counts.set(e.lang, c);
  }
  let totalW = 0;
  for (const e of examples) totalW += e.w;
  // Language weight: n_l^(1-a) total weight per language (a = langBalance), mean weight 1.
  const a = Math.min(1, Math.max(0, opts.langBalance ?? 0));
  let totalTarget = 0;
  for (const [, [n0, n1]] of counts) totalTarget += Math.pow(n0 + n1, 1 - a);
  for (const [lang, [n0, n1]] of counts) {
    const n = n0 + n1;
    const lw = (Math.pow(n, 1 - a) / totalTarget) * (totalW / n);
    cw.set(lang, opts.balance && n0 && n1 ? [(lw * n) / (2 * n0), (lw * n) / (2 * n1)] : [lw, lw]);
  }
  const order = examples.map((_, i) => i);
  const rnd = mulberry32(opts.seed);
  for (let ep = 0; ep < opts.epochs; ep++) {
    shuffle(order, rnd);
    for (const k of order) {
      const e = examples[k];
      let z = e.offset;
      if (r) for (let i = 0; i < e.idx.length; i++) z += w[e.idx[i]] * e.val[i] * r[e.idx[i]];
      else for (let i = 0; i < e.idx.length; i++) z += w[e.idx[i]] * e.val[i];
      const p = sigmoid(z);
      const g = (p - e.y) * cw.get(e.lang)![e.y] * e.w;
      for (let i = 0; i < e.idx.length; i++) {
        const j = e.idx[i];
        const gi = g * e.val[i] * (r ? r[j] : 1) + opts.l2 * w[j];
        g2[j] += gi * gi;
        w[j] -= (opts.learningRate * gi) / Math.sqrt(g2[j]);
      }
    }
  }
  const out = Float32Array.from(w);
  // Fold the NB scaling into the weights: serving scores x . (w * r), the same as training did.
  if (r) for (let j = 0; j < dim; j++) out[j] *= r[j];
  return out;
}

export function predict(w: Float32Array, e: Vectorised): number {
  let z = e.offset;
  for (let i = 0; i < e.idx.length; i++) z += w[e.idx[i]] * e.val[i];
  return sigmoid(z);
}

/** Stratified (by language and label) k-fold assignment, deterministic. */
export function stratifiedFolds(examples: Vectorised[], k: number, seed: number): number[] {
  const fold = new Array<number>(examples.length);
  const groups = new Map<string, number[]>();
  examples.forEach((e, i) => {
    const key = `${e.lang}:${e.y}`;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key)!.push(i);
  });
  const rnd = mulberry32(seed ^ 0x9e3779b9);
  for (const key of [...groups.keys()].sort()) {
    const ids = shuffle(groups.get(key)!, rnd);
    ids.forEach((id, n) => (fold[id] = n % k));
  }
  return fold;
}

export { createFeatureSpace };
