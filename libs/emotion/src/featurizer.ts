/** Features of one analysed message (deterministic; shared by training and serving) and the knowledge prior. */
import { CUE, CUE_NAMES, DotSink, FNV_OFFSET, FNV_PRIME, FeatureBuffer, FeatureSpace, hashRange, mix, setCharGrams } from './feature-space';
import { Analysis, DROP, Tok } from './text-tokens';

// ------------------------------------------------------------------ featurisation
const BOUNDARY = 0x20;
/** Weight of one char n-gram relative to a word n-gram, before block normalisation. */
const CHAR_W = 0.5;
/** Scale of the length-normalised n-gram block relative to the cue features. */
const TEXT_S = 3;
/**
 * Char n-grams: 5-grams of the first CHAR_BUDGET letters of a message. 3- and 4-grams added cost and
 * no accuracy on the validation sets (measured 2026-12: 4+5-grams on 350 letters vs 5-grams on 300:
 * same MCC within ±0.01, half the char features); the budget bounds the cost of long German posts.
 */
const CHAR_MIN = 5;
const CHAR_MAX = 5;
const CHAR_BUDGET = 300;
/** Word n-grams of at most this many tokens per message (cues still see the whole text). */
const MAX_NGRAM_TOKENS = 400;
/**
 * Cues that describe the development data's channel rather than the customer's mood (tweets with
 * @handles and links, long forum posts): kept in the analysis, never model features, so the model
 * cannot learn "a link means a negative news item" and carry that to e-mails and chats.
 */
const NOT_FEATURES = new Uint8Array(CUE_NAMES.length);
for (const k of [CUE.has_user, CUE.has_url, CUE.long_text, CUE.has_pii]) NOT_FEATURES[k] = 1;
const NEG_SEED = 0x5bd1e995;

/** Word hashes of the DROP list per feature space and language: the per-word check needs no slice. */
const dropCache = new WeakMap<FeatureSpace, Record<string, Set<number>>>();
function dropped(space: FeatureSpace, lang: string): Set<number> {
  let c = dropCache.get(space);
  if (!c) {
    c = {};
    for (const l of Object.keys(space.seeds)) c[l] = new Set([...DROP].map((w) => hashRange(w, 0, w.length, space.seeds[l as 'en' | 'de'])));
    dropCache.set(space, c);
  }
  return c[lang];
}

/**
 * The char 5-gram hashes of the word lower[s, e) padded with a boundary on each side, into `out`
 * (returns their number). The one definition of these features: FeatureBuffer pushes each, DotSink
 * caches their weighted sum per word.
 */
export function charGrams(lower: string, s: number, e: number, seed: number, out: Int32Array): number {
  const L = e - s + 2;
  let n = 0;
  for (let i = 0; i < L - 2; i++) {
    let ch = (FNV_OFFSET ^ seed ^ 0x55) >>> 0;
    for (let q = 0; q < CHAR_MAX && i + q < L; q++) {
      const c = i + q === 0 || i + q === L - 1 ? BOUNDARY : lower.charCodeAt(s + i + q - 1);
      ch = Math.imul(ch ^ c, FNV_PRIME);
      if (q >= CHAR_MIN - 1) out[n++] = ch;
    }
  }
  return n;
}
setCharGrams(charGrams, CHAR_W);

/** A bitmap over the DROP hashes' low bits: almost every word is ruled out before the Set lookup. */
const DROP_WORDS = 255;
const dropBitsCache = new WeakMap<FeatureSpace, Record<string, Uint32Array>>();
function droppedBits(space: FeatureSpace, lang: string): Uint32Array {
  let c = dropBitsCache.get(space);
  if (!c) {
    c = {};
    for (const l of Object.keys(space.seeds)) {
      const bits = new Uint32Array(DROP_WORDS + 1);
      for (const h of dropped(space, l)) bits[(h >>> 5) & DROP_WORDS] |= 1 << (h & 31);
      c[l] = bits;
    }
    dropBitsCache.set(space, c);
  }
  return c[lang];
}

// The last space's tables (one model serves almost every call): no WeakMap lookup per message.
let lastSpace: FeatureSpace | null = null;
let lastDrop: Record<'en' | 'de', Set<number>> = { en: new Set(), de: new Set() };
let lastDropBits: Record<'en' | 'de', Uint32Array> = { en: new Uint32Array(0), de: new Uint32Array(0) };

/** Fill `buf` with the hashed features of one analysed message. Deterministic; shared by train and serve. */
export function featurize(lower: string, a: Analysis, space: FeatureSpace, buf: FeatureBuffer): void {
  buf.reset();
  emitFeatures(lower, a, space, buf);
}

/** The model's logit of one analysed message (without the prior), scored on the fly: serving's path. */
export function scoreFeatures(lower: string, a: Analysis, space: FeatureSpace, sink: DotSink, weights: Int16Array, scale: number): number {
  sink.reset(weights, scale);
  emitFeatures(lower, a, space, sink);
  return sink.value;
}

function emitFeatures(lower: string, a: Analysis, space: FeatureSpace, buf: FeatureBuffer | DotSink): void {
  const mask = space.mask;
  const seed = space.seeds[a.lang];
  const ph = space.placeholder[a.lang];
  if (space !== lastSpace) {
    lastSpace = space;
    lastDrop = { en: dropped(space, 'en'), de: dropped(space, 'de') };
    lastDropBits = { en: droppedBits(space, 'en'), de: droppedBits(space, 'de') };
  }
  const drop = lastDrop[a.lang];
  const dropBits = lastDropBits[a.lang];
  const T = a.tokens;
  buf.push(space.biasHash[a.lang], 1, mask);
  buf.markBlock();

  let prev = 0;
  let negScope = 0;
  let charBudget = CHAR_BUDGET;
  for (let k = 0; k < T.n; k++) {
    const s = T.start[k];
    const e = T.end[k];
    let h: number;
    switch (T.type[k]) {
      case Tok.Url:
        h = ph.url;
        break;
      case Tok.User:
        h = ph.user;
        break;
      case Tok.Num:
        h = ph.num;
        break;
      case Tok.Pii:
        h = ph.pii;
        break;
      case Tok.Word: {
        const len = e - s;
        // The word's feature hash (hashRange: umlauts folded) and, in the same pass, a hash of its
        // raw characters: together the key of DotSink's char n-gram cache.
        let hw = (FNV_OFFSET ^ seed) >>> 0;
        let raw = (0x2545f491 + len) | 0;
        for (let i = s; i < e; i++) {
          const c = lower.charCodeAt(i);
          raw = Math.imul(raw + c, 0x5bd1e995) ^ (raw >>> 15);
          if (c < 0xdf) hw = Math.imul(hw ^ c, FNV_PRIME);
          else if (c === 0xe4 || c === 0xf6 || c === 0xfc) {
            hw = Math.imul(hw ^ (c === 0xe4 ? 0x61 : c === 0xf6 ? 0x6f : 0x75), FNV_PRIME);
            hw = Math.imul(hw ^ 0x65, FNV_PRIME);
          } else if (c === 0xdf) {
            hw = Math.imul(hw ^ 0x73, FNV_PRIME);
            hw = Math.imul(hw ^ 0x73, FNV_PRIME);
          } else hw = Math.imul(hw ^ (c === 0x2019 ? 0x27 : c), FNV_PRIME);
        }
        h = hw >>> 0;
        if (len <= 13 && len >= 2 && (dropBits[(h >>> 5) & DROP_WORDS] >>> (h & 31)) & 1 && drop.has(h) && DROP.has(lower.slice(s, e))) continue;
        if (negScope > 0) {
          negScope--;
          h = mix(h ^ NEG_SEED);
        }
        if (T.neg[k]) negScope = 3;
        // Char 5-grams with word boundaries (charGrams); the budget bounds the cost of very long
        // posts (their first ~300 letters carry the char n-grams).
        if (len < 40 && charBudget > 0) {
          charBudget -= len;
          // A word of one or two letters has no 5-gram even with its boundaries: nothing to look up.
          if (len > 2) buf.pushCharGrams(lower, s, e, seed, mask, h, raw);
        }
        break;
      }
      case Tok.Punct:
        negScope = 0;
        h = hashRange(lower, s, Math.min(e, s + 2), seed);
        break;
      case Tok.Break:
        negScope = 0;
        prev = 0;
        continue;
      default:
        h = hashRange(lower, s, e, seed);
    }
    buf.push(h, 1, mask);
    if (prev) buf.push(Math.imul(prev, 31) ^ h ^ 0x2545f491, 1, mask);
    prev = h;
    if (buf.n > 30000 || k >= MAX_NGRAM_TOKENS) break;
  }
  // Length-normalise the n-gram block (long German posts must not dominate).
  const nText = buf.n - 1;
  buf.scaleFrom(1, nText > 0 ? TEXT_S / Math.sqrt(nText) : 1);

  // Cue features: shared and language-specific, log-scaled counts.
  const chs = space.cueHash[a.lang];
  const cues = a.cues;
  for (let k = 0; k < cues.length; k++) {
    if (cues[k] === 0) continue;
    if (NOT_FEATURES[k]) continue;
    const hs = chs[k];
    const v = Math.log1p(cues[k]);
    buf.push(hs[0], v, mask);
    buf.push(hs[1], v, mask);
  }
}

// ------------------------------------------------------------------ knowledge prior
/**
 * Prior log-odds per cue (per log1p of its count), from contact-center practice rather than from
 * the development data: a legal threat, "unacceptable", a waiting time or a repeat contact is a
 * complaint whatever the company or channel. The model is trained with this prior as a fixed
 * offset, so it learns only a correction: cues that are rare in the training data (or confounded
 * there, like "Klage" in rail news) keep their prior weight instead of an accidental one.
 * Scaled by the model file's `cuePrior` (0 = off; files without it get 0).
 */
const CUE_PRIOR: Partial<Record<(typeof CUE_NAMES)[number], number>> = {
  neg: 0.5, pos: -0.5, neg_negated: -0.2, pos_negated: 0.5, neg_intense: 0.3, profanity: 1, unacceptable: 1.2,
  waiting_time: 1, still_waiting: 1, repeat_contact: 0.8, hold_wait: 0.8, cancellation_threat: 1, legal_threat: 1.5,
  complaint: 0.8, neg_emoji: 0.8, pos_emoji: -0.8, neg_dominant: 0.3, interrobang: 0.3,
  // Precision rules (cue-rules.ts): sarcasm and final warnings are complaints; a calm request, thanks
  // or a solved problem without emotional evidence is not.
  sarcasm: 1.5, final_warning: 1.5, calm: -1.2, gratitude: -0.3, resolved: -0.3,
};
const PRIOR_VEC = new Float64Array(CUE_NAMES.length);
for (const [k, v] of Object.entries(CUE_PRIOR)) PRIOR_VEC[CUE[k as keyof typeof CUE]] = v as number;

/** The prior's log-odds for one analysed message (times the model's `cuePrior` scale). */
export function cuePrior(a: Analysis, scale: number): number {
  if (!scale) return 0;
  let z = 0;
  const c = a.cues;
  for (let k = 0; k < c.length; k++) if (c[k] !== 0 && PRIOR_VEC[k] !== 0) z += PRIOR_VEC[k] * Math.log1p(Math.max(0, c[k]));
  return z * scale;
}

