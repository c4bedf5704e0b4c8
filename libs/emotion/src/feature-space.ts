/** Hashed feature space: FNV hashing with a sign hash, the reusable feature buffer, cue feature names. */
import type { Lang } from './lexicon';
import { CUE_COUNT } from './text-tokens';

// ------------------------------------------------------------------ hashing
export const FNV_OFFSET = 0x811c9dc5;
export const FNV_PRIME = 0x01000193;

export function hashStr(s: string, seed: number): number {
  let h = (FNV_OFFSET ^ seed) >>> 0;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), FNV_PRIME);
  return h >>> 0;
}

/**
 * Hash of s[from, to). Umlauts and ß hash like their two-letter spellings (ä = "ae", ß = "ss") so
 * "Ärger" and "Aerger" are one feature; ’ hashes like '.
 */
export function hashRange(s: string, from: number, to: number, seed: number): number {
  let h = (FNV_OFFSET ^ seed) >>> 0;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xdf) h = Math.imul(h ^ c, FNV_PRIME);
    else if (c === 0xe4 || c === 0xf6 || c === 0xfc) {
      h = Math.imul(h ^ (c === 0xe4 ? 0x61 : c === 0xf6 ? 0x6f : 0x75), FNV_PRIME);
      h = Math.imul(h ^ 0x65, FNV_PRIME);
    } else if (c === 0xdf) {
      h = Math.imul(h ^ 0x73, FNV_PRIME);
      h = Math.imul(h ^ 0x73, FNV_PRIME);
    } else h = Math.imul(h ^ (c === 0x2019 ? 0x27 : c), FNV_PRIME);
  }
  return h >>> 0;
}

/** Final avalanche so that low bits (the slot) and the top bit (the sign) are well mixed. */
export function mix(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x45d9f3b);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * Where featurize() sends features. Training collects them (FeatureBuffer); serving scores them on
 * the fly (DotSink) with no buffer: the same emitter for both keeps training and serving identical.
 */
export interface FeatureSink {
  /** Number of features pushed so far. */
  n: number;
  push(h: number, v: number, mask: number): void;
  /** Push the char n-grams of the word lower[s, e) (featurizer.ts `charGrams`, weight CHAR_W each). */
  pushCharGrams(lower: string, s: number, e: number, seed: number, mask: number, wordHash: number, rawHash: number): void;
  /** Multiply the values of the features pushed since index `from` by `scale` (the length normalisation). */
  scaleFrom(from: number, scale: number): void;
}

type CharGramFn = (lower: string, s: number, e: number, seed: number, out: Int32Array) => number;
/** Set once by featurizer.ts (the char n-gram definition lives with the other features). */
let charGramsOf: CharGramFn = () => 0;
let charGramWeight = 0.5;
export function setCharGrams(fn: CharGramFn, weight: number): void {
  charGramsOf = fn;
  charGramWeight = weight;
}
const GRAMS = new Int32Array(64);

/** Slots of DotSink's per-word char n-gram cache (direct-mapped; a word's entry is its exact sum). */
const WORD_CACHE_BITS = 14;

/**
 * Scores features as they come: the logistic-regression logit without materialising the vector,
 * over 16-bit weights (EmotionModel.servingWeights) scaled once at the end.
 * A word's char n-grams depend on the word alone, so their weighted sum is cached per word (keyed by
 * two independent 32-bit hashes of its characters, the language seed and its length). The weights
 * are integers and CHAR_W is 0.5, so every sum is exact and a cached word scores bit for bit as
 * an uncached one: the cache changes speed, never a score.
 */
export class DotSink implements FeatureSink {
  n = 0;
  private fixed = 0;
  private open = 0;
  private scale = 1;
  /**
   * One slot = 4 int32 in one cache line: the two key hashes, the sum of the n-grams' int16 weights
   * (signed; at most 40 n-grams, so far inside int32) and the number of n-grams + 1 (0 = empty slot).
   */
  private readonly cache = new Int32Array(4 << WORD_CACHE_BITS);
  constructor(private weights: Int16Array) {}
  reset(weights: Int16Array, scale: number): void {
    if (weights !== this.weights) this.cache.fill(0);
    this.weights = weights;
    this.scale = scale;
    this.n = 0;
    this.fixed = 0;
    this.open = 0;
  }
  push(h: number, v: number, mask: number): void {
    const m = mix(h);
    this.open += this.weights[m & mask] * (m & 0x80000000 ? -v : v);
    this.n++;
  }
  /**
   * `wordHash` (the seeded word feature hash, umlauts folded) and `rawHash` (its raw characters and
   * length) key the cache: both must match, so "ärger" and "aerger" (one word feature, different
   * n-grams) keep apart.
   */
  pushCharGrams(lower: string, s: number, e: number, seed: number, mask: number, wordHash: number, rawHash: number): void {
    const a = wordHash | 0;
    const b = rawHash | 0;
    const c = this.cache;
    const slot = ((a ^ (a >>> WORD_CACHE_BITS) ^ b) & ((1 << WORD_CACHE_BITS) - 1)) << 2;
    if (c[slot + 3] !== 0 && c[slot] === a && c[slot + 1] === b) {
      this.open += c[slot + 2] * charGramWeight;
      this.n += c[slot + 3] - 1;
      return;
    }
    const w = this.weights;
    const v = charGramWeight;
    const n = charGramsOf(lower, s, e, seed, GRAMS);
    // Sum the integer weights, then scale once: exact, and what a cached word adds too.
    let z2 = 0;
    for (let k = 0; k < n; k++) {
      const m = mix(GRAMS[k]);
      z2 += m & 0x80000000 ? -w[m & mask] : w[m & mask];
    }
    c[slot] = a;
    c[slot + 1] = b;
    c[slot + 2] = z2;
    c[slot + 3] = n + 1;
    this.open += z2 * v;
    this.n += n;
  }
  /** The block to be scaled starts here (after the bias): what came before is final. */
  markBlock(): void {
    this.fixed += this.open;
    this.open = 0;
  }
  /** Scale everything pushed since markBlock() (featurize always passes the block's start as `from`). */
  scaleFrom(_from: number, scale: number): void {
    this.fixed += this.open * scale;
    this.open = 0;
  }
  get value(): number {
    return (this.fixed + this.open) * this.scale;
  }
}

export class FeatureBuffer implements FeatureSink {
  idx: Int32Array;
  val: Float64Array;
  n = 0;
  constructor(cap = 1 << 12) {
    this.idx = new Int32Array(cap);
    this.val = new Float64Array(cap);
  }
  reset(): void {
    this.n = 0;
  }
  push(h: number, v: number, mask: number): void {
    if (this.n >= this.idx.length) {
      const idx = new Int32Array(this.idx.length * 2);
      idx.set(this.idx);
      const val = new Float64Array(this.val.length * 2);
      val.set(this.val);
      this.idx = idx;
      this.val = val;
    }
    const m = mix(h);
    this.idx[this.n] = m & mask;
    this.val[this.n] = m & 0x80000000 ? -v : v;
    this.n++;
  }
  scaleFrom(from: number, scale: number): void {
    for (let i = from; i < this.n; i++) this.val[i] *= scale;
  }
  pushCharGrams(lower: string, s: number, e: number, seed: number, mask: number): void {
    const n = charGramsOf(lower, s, e, seed, GRAMS);
    for (let k = 0; k < n; k++) this.push(GRAMS[k] >>> 0, charGramWeight, mask);
  }
  markBlock(): void {
    // The buffer knows the block by index (scaleFrom's `from`).
  }
}

export const CUE_NAMES = [
  'neg', 'pos', 'neg_negated', 'pos_negated', 'neg_intense', 'pos_intense', 'neg_after_contrast', 'pos_after_contrast',
  'neg_before_contrast', 'pos_before_contrast', 'contrast', 'profanity', 'unacceptable', 'waiting_time', 'still_waiting',
  'repeat_contact', 'hold_wait', 'cancellation_threat', 'legal_threat', 'refund', 'complaint', 'unclear_bill',
  'provisioning', 'outage', 'neg_emoji', 'pos_emoji', 'exclaim', 'exclaim_run', 'question', 'interrobang', 'caps_word',
  'negator', 'tenant', 'no_pos', 'neg_dominant', 'long_text', 'has_user', 'has_url', 'only_cc',
  'sarcasm', 'final_warning', 'calm', 'gratitude', 'resolved', 'has_pii',
] as const;

if (CUE_NAMES.length !== CUE_COUNT) throw new Error(`CUE_COUNT (${CUE_COUNT}) must equal CUE_NAMES.length (${CUE_NAMES.length})`);

/** Index of each cue feature in `Analysis.cues`. */
export const CUE: Record<(typeof CUE_NAMES)[number], number> = Object.fromEntries(CUE_NAMES.map((c, i) => [c, i])) as never;

export interface FeatureSpace {
  dim: number;
  mask: number;
  seeds: Record<Lang, number>;
  /** Per language: [shared, language-specific] hash of each cue feature, by CUE index. */
  cueHash: Record<Lang, Array<[number, number]>>;
  biasHash: Record<Lang, number>;
  placeholder: Record<Lang, Record<'url' | 'user' | 'num' | 'pii', number>>;
}

export function createFeatureSpace(dimBits: number): FeatureSpace {
  const dim = 1 << dimBits;
  const seeds: Record<Lang, number> = { en: 0x1234567, de: 0x7654321 };
  const cueHash = { en: [], de: [] } as Record<Lang, Array<[number, number]>>;
  const biasHash = { en: hashStr('bias:en', 99), de: hashStr('bias:de', 99) };
  const placeholder = { en: {}, de: {} } as FeatureSpace['placeholder'];
  for (const lang of ['en', 'de'] as Lang[]) {
    for (const c of CUE_NAMES) cueHash[lang].push([hashStr(`cue:${c}`, 7), hashStr(`cue:${lang}:${c}`, 7)]);
    for (const p of ['url', 'user', 'num', 'pii'] as const) placeholder[lang][p] = hashStr(`<${p}>`, seeds[lang]);
  }
  return { dim, mask: dim - 1, seeds, cueHash, biasHash, placeholder };
}

