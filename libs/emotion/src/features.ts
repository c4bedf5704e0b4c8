/**
 * Cue extraction and hashed features, shared by the detector and the training script so that
 * training and serving can never drift apart.
 *
 * Features (all hashed into one weight vector of `dim` slots, with a sign hash):
 *  - word unigrams and bigrams of the normalised text; words in a negation scope get a `¬` prefix;
 *    URLs, @handles and numbers are replaced by placeholders; brand names are dropped;
 *  - character 3-5-grams inside each word (German compounds, inflection, misspellings);
 *  - cue features (lexicon hits after negation/contrast/intensifier handling, emphasis, profanity,
 *    contact-center cues, intents), emitted once language-specific and once shared, so that
 *    English data also teaches the German cue weights.
 */
import { CueRule, LEXICONS, Lang } from './lexicon';

export interface CueHit {
  cue: string;
  kind: string;
  start: number;
  end: number;
  /** Set for intent-bearing cues. */
  intent?: string;
}

export interface Analysis {
  lang: Lang;
  hits: CueHit[];
  intents: string[];
  /** Dense cue counts by name (already weighted by negation/contrast/intensity). */
  cues: Record<string, number>;
}

// ------------------------------------------------------------------ hashing
const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

function hashStr(s: string, seed: number): number {
  let h = (FNV_OFFSET ^ seed) >>> 0;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), FNV_PRIME);
  return h >>> 0;
}

/** Final avalanche so that low bits (the slot) and the top bit (the sign) are well mixed. */
function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export class FeatureBuffer {
  idx: Int32Array;
  val: Float64Array;
  n = 0;
  constructor(cap = 1 << 16) {
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
}

// ------------------------------------------------------------------ normalisation
/** Tokens: URL | @handle | word | number | !/? runs | emoticon | pictograph. */
const TOKEN = /(https?:\/\/\S+|www\.\S+)|(@[\p{L}\p{N}_]+)|([\p{L}][\p{L}\p{N}'’]*(?:-[\p{L}\p{N}]+)*)|(\p{N}+(?:[.,:]\p{N}+)*)|([!?]+)|([:;=]-?[()\[\]dp\/\\|]|<3)|(\p{Extended_Pictographic})/gu;
/** Names of companies in the development data and similar brands: never features (no memorising). */
const DROP = new Set([
  'united', 'southwest', 'southwestair', 'delta', 'jetblue', 'virgin', 'virginamerica', 'americanair', 'american',
  'usairways', 'airways', 'usair', 'vx', 'va', 'aa', 'ua', 'swa', 'bahn', 'db', 'deutsche', 's-bahn', 'u-bahn',
  'dbbahn', 'db_bahn', 'ice', 'ic', 'rt', 'via', 'amp', 'gt', 'lt', 'quot',
]);
const NEG_EMOJI = new Set(['😠', '😡', '🤬', '😤', '😞', '😢', '😭', '👎', '💩', '🙄', '😒', '😩', '😫', '😖', '😣', '😟', '😕', '🙁', '☹', '😑', '😐', '🤦', '😱', '😰', '😨', '💔', '🖕', '😪', '😔', '🤢', '🤮']);
const POS_EMOJI = new Set(['😊', '😀', '😃', '😁', '😍', '❤', '👍', '🙏', '🎉', '😄', '😘', '🥰', '💕', '💖', '👏', '🙌', '😎', '✨', '💯', '🤗', '☺', '😉', '🌟', '✈', '😂', '🤣', '💙', '💜', '💚', '♥']);
const NEG_EMOTICON = new Set([':(', ':-(', ':/', ':-/', ':\\', ':[', ';(', '=(', ':|', ':-|']);
const POS_EMOTICON = new Set([':)', ':-)', ':d', ':-d', ';)', ';-)', '=)', ':p', ':-p', '<3', ';d', ':]']);

const CUE_NAMES = [
  'neg', 'pos', 'neg_negated', 'pos_negated', 'neg_intense', 'pos_intense', 'neg_after_contrast', 'pos_after_contrast',
  'neg_before_contrast', 'pos_before_contrast', 'contrast', 'profanity', 'unacceptable', 'waiting_time', 'still_waiting',
  'repeat_contact', 'hold_wait', 'cancellation_threat', 'legal_threat', 'refund', 'complaint', 'unclear_bill',
  'provisioning', 'outage', 'neg_emoji', 'pos_emoji', 'exclaim', 'exclaim_run', 'question', 'interrobang', 'caps_word',
  'negator', 'tenant', 'no_pos', 'neg_dominant', 'long_text', 'has_user', 'has_url', 'only_cc',
];

export interface FeatureSpace {
  dim: number;
  mask: number;
  seeds: Record<Lang, number>;
  cueHash: Record<Lang, Record<string, [number, number]>>;
  biasHash: Record<Lang, number>;
}

export function createFeatureSpace(dimBits: number): FeatureSpace {
  const dim = 1 << dimBits;
  const seeds: Record<Lang, number> = { en: 0x1234567, de: 0x7654321 };
  const cueHash = { en: {}, de: {} } as Record<Lang, Record<string, [number, number]>>;
  const biasHash = { en: hashStr('bias:en', 99), de: hashStr('bias:de', 99) };
  for (const lang of ['en', 'de'] as Lang[]) {
    for (const c of CUE_NAMES) cueHash[lang][c] = [hashStr(`cue:${c}`, 7), hashStr(`cue:${lang}:${c}`, 7)];
  }
  return { dim, mask: dim - 1, seeds, cueHash, biasHash };
}

// ------------------------------------------------------------------ cue analysis
const PUNCT_BOUNDARY = /[.!?;:,\n()"“”]/;

function inNegationScope(lower: string, start: number, end: number, lang: Lang): boolean {
  // Look back up to ~4 words within the clause for a negator.
  const from = Math.max(0, start - 32);
  let window = lower.slice(from, start);
  const cut = Math.max(window.lastIndexOf('.'), window.lastIndexOf(','), window.lastIndexOf('!'),
    window.lastIndexOf('?'), window.lastIndexOf(';'), window.lastIndexOf('\n'));
  if (cut >= 0) window = window.slice(cut + 1);
  const words = window.trim().split(/\s+/);
  const last = words.slice(-4).join(' ');
  const lex = LEXICONS[lang];
  if (last && lex.negators.test(last)) {
    // A contrast word between negator and cue ends the scope.
    lex.contrast.lastIndex = 0;
    const afterNeg = last;
    if (!/(?<![\p{L}])(?:but|aber|jedoch|sondern)(?![\p{L}])/u.test(afterNeg)) return true;
  }
  if (lang === 'de') {
    // German places "nicht" after the verb: "gefällt mir nicht", "klappt nicht", "ist nicht gut".
    const after = lower.slice(end, Math.min(lower.length, end + 16));
    if (/^\s+(?:\p{L}+\s+)?(?:nicht|nie|kaum)(?![\p{L}])/u.test(after) && !PUNCT_BOUNDARY.test(after.slice(0, 2))) return true;
  }
  return false;
}

function intensified(lower: string, start: number, lang: Lang): boolean {
  const from = Math.max(0, start - 14);
  return LEXICONS[lang].intensifiers.test(lower.slice(from, start));
}

function scan(re: RegExp, lower: string, out: Array<[number, number]>): void {
  re.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(lower)) !== null) {
    if (m[0].length === 0) {
      re.lastIndex++;
      continue;
    }
    out.push([m.index, m.index + m[0].length]);
    if (out.length > 200) break;
  }
}

function overlaps(a: [number, number], list: Array<[number, number]>): boolean {
  for (const b of list) if (a[0] < b[1] && b[0] < a[1]) return true;
  return false;
}

/**
 * Extract cues from `lower` (the lower-cased message) and `orig` (original case, same length,
 * used for emphasis). `extra` is the tenant's compiled extra negative cue words.
 */
export function analyse(orig: string, lower: string, lang: Lang, extra?: RegExp | null): Analysis {
  const lex = LEXICONS[lang];
  const hits: CueHit[] = [];
  const cues: Record<string, number> = {};
  const add = (k: string, v = 1) => {
    cues[k] = (cues[k] || 0) + v;
  };
  const intents = new Set<string>();

  // Contrast: the clause after the last "but/aber" carries the writer's point.
  let contrastAt = -1;
  lex.contrast.lastIndex = 0;
  let cm: RegExpExecArray | null;
  while ((cm = lex.contrast.exec(lower)) !== null) {
    contrastAt = cm.index;
    hits.push({ cue: 'contrast', kind: 'contrast', start: cm.index, end: cm.index + cm[0].length });
  }
  if (contrastAt >= 0) add('contrast');

  // Profanity, "unacceptable" and contact-center rules first: their spans are not double-counted
  // as plain lexicon words.
  const strong: Array<[number, number]> = [];
  const tmp: Array<[number, number]> = [];
  scan(lex.profanity, lower, tmp);
  for (const s of tmp) {
    hits.push({ cue: 'profanity', kind: 'profanity', start: s[0], end: s[1] });
    add('profanity');
    strong.push(s);
  }
  tmp.length = 0;
  scan(lex.unacceptable, lower, tmp);
  for (const s of tmp) {
    if (overlaps(s, strong)) continue;
    hits.push({ cue: 'unacceptable', kind: 'contact_center', start: s[0], end: s[1] });
    add('unacceptable');
    strong.push(s);
  }
  let ccCount = 0;
  for (const rule of lex.cc as Array<CueRule & { intent?: string }>) {
    tmp.length = 0;
    scan(rule.re, lower, tmp);
    for (const s of tmp) {
      hits.push({ cue: rule.cue, kind: rule.kind, start: s[0], end: s[1], intent: rule.intent });
      add(rule.cue);
      ccCount++;
      if (rule.intent) intents.add(rule.intent);
      if (rule.kind === 'contact_center') strong.push(s);
    }
  }
  if (extra) {
    tmp.length = 0;
    scan(extra, lower, tmp);
    for (const s of tmp) {
      hits.push({ cue: 'tenant_word', kind: 'tenant', start: s[0], end: s[1] });
      add('tenant');
      add('neg');
      strong.push(s);
    }
  }

  // Lexicon words with negation, intensifier and contrast handling.
  let negScore = 0;
  let posScore = 0;
  for (const pol of [-1, 1] as const) {
    tmp.length = 0;
    scan(pol < 0 ? lex.neg : lex.pos, lower, tmp);
    for (const s of tmp) {
      if (pol < 0 && overlaps(s, strong)) continue;
      const negated = inNegationScope(lower, s[0], s[1], lang);
      const intense = !negated && intensified(lower, s[0], lang);
      let w = intense ? 1.5 : 1;
      if (contrastAt >= 0) w *= s[0] > contrastAt ? 1.5 : 0.5;
      const effective = negated ? -pol : pol;
      if (effective < 0) negScore += w;
      else posScore += w;
      const base = pol < 0 ? 'neg' : 'pos';
      if (negated) add(`${base}_negated`);
      else {
        add(base, w);
        if (intense) add(`${base}_intense`);
        if (contrastAt >= 0) add(s[0] > contrastAt ? `${base}_after_contrast` : `${base}_before_contrast`);
      }
      if (effective < 0) {
        hits.push({
          cue: negated ? 'negated_positive' : intense ? 'intensified_negative' : 'negative_word',
          kind: negated ? 'negation' : intense ? 'intensifier' : 'lexicon',
          start: s[0],
          end: s[1],
        });
      }
    }
  }
  if (lex.negators.test(lower)) add('negator');

  // Emphasis: capitals, !!!, ?!, emoji and emoticons.
  let exclaimRuns = 0;
  let capsWords = 0;
  TOKEN.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = TOKEN.exec(orig)) !== null) {
    if (m[3] !== undefined) {
      const w = m[3];
      if (w.length >= 3 && w === w.toUpperCase() && w !== w.toLowerCase() && !DROP.has(w.toLowerCase())) {
        capsWords++;
        if (capsWords <= 2) hits.push({ cue: 'capitals', kind: 'emphasis', start: m.index, end: m.index + w.length });
      }
    } else if (m[5] !== undefined) {
      const p = m[5];
      if (p.includes('!')) add('exclaim');
      if (p.includes('?')) add('question');
      if (p.length >= 2 && p.includes('!')) {
        exclaimRuns++;
        if (p.includes('?')) add('interrobang');
        if (exclaimRuns <= 1) hits.push({ cue: 'exclamation', kind: 'emphasis', start: m.index, end: m.index + p.length });
      }
    } else if (m[6] !== undefined) {
      const e = m[6].toLowerCase();
      if (NEG_EMOTICON.has(e)) {
        add('neg_emoji');
        hits.push({ cue: 'negative_emoticon', kind: 'emoji', start: m.index, end: m.index + e.length });
      } else if (POS_EMOTICON.has(e)) add('pos_emoji');
    } else if (m[7] !== undefined) {
      const e = m[7];
      if (NEG_EMOJI.has(e)) {
        add('neg_emoji');
        hits.push({ cue: 'negative_emoji', kind: 'emoji', start: m.index, end: m.index + e.length });
      } else if (POS_EMOJI.has(e)) add('pos_emoji');
    } else if (m[2] !== undefined) add('has_user');
    else if (m[1] !== undefined) add('has_url');
  }
  if (exclaimRuns) add('exclaim_run', exclaimRuns);
  if (capsWords) add('caps_word', capsWords);
  if (negScore > 0 && posScore === 0) add('no_pos');
  if (negScore > posScore) add('neg_dominant');
  if (ccCount > 0 && negScore === 0) add('only_cc');
  if (lower.length > 600) add('long_text');

  // Hits in text order; intents in a stable order.
  hits.sort((a, b) => a.start - b.start);
  return { lang, hits, intents: [...intents].sort(), cues };
}

// ------------------------------------------------------------------ featurisation
const BOUNDARY = 0x20;

/** Fill `buf` with the hashed features of one message. Deterministic; shared by train and serve. */
export function featurize(lower: string, a: Analysis, space: FeatureSpace, buf: FeatureBuffer): void {
  buf.reset();
  const mask = space.mask;
  const seed = space.seeds[a.lang];
  buf.push(space.biasHash[a.lang], 1, mask);

  // Word and char n-grams.
  const wordStart = buf.n;
  let prev = '';
  let negScope = 0;
  let words = 0;
  const negators = LEXICONS[a.lang].negators;
  TOKEN.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = TOKEN.exec(lower)) !== null) {
    let tok: string;
    if (m[1] !== undefined) tok = '<url>';
    else if (m[2] !== undefined) tok = '<user>';
    else if (m[3] !== undefined) {
      tok = m[3].replace(/’/g, "'");
      if (DROP.has(tok)) continue;
      words++;
      if (negators.test(tok)) {
        negScope = 4;
      } else if (negScope > 0) {
        negScope--;
        tok = `¬${tok}`;
      }
      // Char 3-5-grams with word boundaries, hashed incrementally (no substrings).
      const w = m[3];
      const len = w.length + 2;
      for (let i = 0; i < len - 2; i++) {
        let h = (FNV_OFFSET ^ seed ^ 0x55) >>> 0;
        for (let k = 0; k < 5 && i + k < len; k++) {
          const c = i + k === 0 || i + k === len - 1 ? BOUNDARY : w.charCodeAt(i + k - 1);
          h = Math.imul(h ^ c, FNV_PRIME);
          if (k >= 2) buf.push(h >>> 0, 0.5, mask);
        }
      }
    } else if (m[4] !== undefined) tok = '<num>';
    else if (m[5] !== undefined) {
      tok = m[5].length > 1 ? (m[5].includes('?') && m[5].includes('!') ? '?!' : m[5][0] + m[5][0]) : m[5];
      negScope = 0;
    } else tok = m[6] ?? m[7] ?? '';
    const hu = hashStr(tok, seed);
    buf.push(hu, 1, mask);
    if (prev) buf.push(hashStr(tok, hashStr(prev, seed ^ 0x77)), 1, mask);
    prev = tok;
    if (buf.n > 20000) break;
  }
  // Length-normalise the n-gram block (long German posts must not dominate).
  const nText = buf.n - wordStart;
  if (nText > 0) {
    const scale = 1 / Math.sqrt(nText);
    for (let i = wordStart; i < buf.n; i++) buf.val[i] *= scale * 3;
  }
  void words;

  // Cue features: shared and language-specific, log-scaled counts.
  const ch = space.cueHash[a.lang];
  for (const k in a.cues) {
    const hs = ch[k];
    if (!hs) continue;
    const v = Math.log1p(a.cues[k]);
    buf.push(hs[0], v, mask);
    buf.push(hs[1], v, mask);
  }
}
