/**
 * Tokenising, cue analysis and hashed features, shared by the detector and the training script
 * so that training and serving can never drift apart.
 *
 * One char loop tokenises the lower-cased text; one Aho-Corasick pass finds all literal cues;
 * small token rules find waiting times ("seit drei Wochen", "for 2 hours") and counted repeat
 * contacts ("5 times", "3. Mal"). Negation scope, intensifiers and contrast work on token indices.
 *
 * Features (hashed into one weight vector with a sign hash):
 *  - word unigrams and bigrams; words in a negation scope are hashed as negated; URLs, @handles
 *    and numbers become placeholders; brand names of the development data are dropped;
 *  - character 4-5-grams inside words (German compounds, inflection, misspellings);
 *  - cue features (counts after negation/contrast/intensifier handling, emphasis, profanity,
 *    contact-center cues, intents), once language-specific and once shared across languages.
 */
import { CueInfo, LEXICONS, Lang } from './lexicon';
import { CueMatcher, Match, isDigit, isLetter } from './matcher';

export interface CueHit {
  cue: string;
  kind: string;
  start: number;
  end: number;
  intent?: string;
}

export const enum Tok {
  Word = 1,
  Num = 2,
  Url = 3,
  User = 4,
  Punct = 5,
  Emoticon = 6,
  Emoji = 7,
  Break = 8,
}

/** Reusable token arrays (one per detector; never shared across concurrent calls). */
export class Tokens {
  start = new Int32Array(1024);
  end = new Int32Array(1024);
  type = new Uint8Array(1024);
  clause = new Int32Array(1024);
  /** 1 when the token is a negator (set by analyse, used by featurize). */
  neg = new Uint8Array(1024);
  n = 0;
  push(s: number, e: number, t: number): void {
    if (this.n >= this.start.length) {
      const grow = <A extends Int32Array | Uint8Array>(a: A): A => {
        const b = new (a.constructor as { new (n: number): A })(a.length * 2);
        b.set(a);
        return b;
      };
      this.start = grow(this.start);
      this.end = grow(this.end);
      this.type = grow(this.type);
      this.clause = grow(this.clause);
      this.neg = grow(this.neg);
    }
    this.start[this.n] = s;
    this.end[this.n] = e;
    this.type[this.n] = t;
    this.neg[this.n] = 0;
    this.n++;
  }
  /** Index of the token containing (or last starting before) char position `pos`. */
  at(pos: number): number {
    let lo = 0;
    let hi = this.n - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.start[mid] <= pos) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
}

export interface Analysis {
  lang: Lang;
  hits: CueHit[];
  intents: string[];
  /** Cue counts indexed by `CUE` (already weighted by negation/contrast/intensity). */
  cues: Float64Array;
  tokens: Tokens;
}

// ------------------------------------------------------------------ hashing
const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

export function hashStr(s: string, seed: number): number {
  let h = (FNV_OFFSET ^ seed) >>> 0;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), FNV_PRIME);
  return h >>> 0;
}

/**
 * Hash of s[from, to). Umlauts and ß hash like their two-letter spellings (ä = "ae", ß = "ss") so
 * "Ärger" and "Aerger" are one feature; ’ hashes like '.
 */
function hashRange(s: string, from: number, to: number, seed: number): number {
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
function mix(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x45d9f3b);
  h ^= h >>> 16;
  return h >>> 0;
}

export class FeatureBuffer {
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
}

export const CUE_NAMES = [
  'neg', 'pos', 'neg_negated', 'pos_negated', 'neg_intense', 'pos_intense', 'neg_after_contrast', 'pos_after_contrast',
  'neg_before_contrast', 'pos_before_contrast', 'contrast', 'profanity', 'unacceptable', 'waiting_time', 'still_waiting',
  'repeat_contact', 'hold_wait', 'cancellation_threat', 'legal_threat', 'refund', 'complaint', 'unclear_bill',
  'provisioning', 'outage', 'neg_emoji', 'pos_emoji', 'exclaim', 'exclaim_run', 'question', 'interrobang', 'caps_word',
  'negator', 'tenant', 'no_pos', 'neg_dominant', 'long_text', 'has_user', 'has_url', 'only_cc',
] as const;

/** Index of each cue feature in `Analysis.cues`. */
export const CUE: Record<(typeof CUE_NAMES)[number], number> = Object.fromEntries(CUE_NAMES.map((c, i) => [c, i])) as never;

export interface FeatureSpace {
  dim: number;
  mask: number;
  seeds: Record<Lang, number>;
  /** Per language: [shared, language-specific] hash of each cue feature, by CUE index. */
  cueHash: Record<Lang, Array<[number, number]>>;
  biasHash: Record<Lang, number>;
  placeholder: Record<Lang, Record<'url' | 'user' | 'num', number>>;
}

export function createFeatureSpace(dimBits: number): FeatureSpace {
  const dim = 1 << dimBits;
  const seeds: Record<Lang, number> = { en: 0x1234567, de: 0x7654321 };
  const cueHash = { en: [], de: [] } as Record<Lang, Array<[number, number]>>;
  const biasHash = { en: hashStr('bias:en', 99), de: hashStr('bias:de', 99) };
  const placeholder = { en: {}, de: {} } as FeatureSpace['placeholder'];
  for (const lang of ['en', 'de'] as Lang[]) {
    for (const c of CUE_NAMES) cueHash[lang].push([hashStr(`cue:${c}`, 7), hashStr(`cue:${lang}:${c}`, 7)]);
    for (const p of ['url', 'user', 'num'] as const) placeholder[lang][p] = hashStr(`<${p}>`, seeds[lang]);
  }
  return { dim, mask: dim - 1, seeds, cueHash, biasHash, placeholder };
}

// ------------------------------------------------------------------ tokenising
/** Names of companies in the development data and similar brands: never features (no memorising). */
const DROP = new Set([
  'united', 'southwest', 'southwestair', 'delta', 'jetblue', 'virgin', 'virginamerica', 'americanair', 'american',
  'usairways', 'airways', 'usair', 'vx', 'va', 'aa', 'ua', 'swa', 'bahn', 'db', 'deutsche', 's-bahn', 'u-bahn',
  'dbbahn', 'ice', 'ic', 'rt', 'via', 'amp', 'gt', 'lt', 'quot',
]);
const NEG_EMOJI = new Set([0x1f620, 0x1f621, 0x1f92c, 0x1f624, 0x1f61e, 0x1f622, 0x1f62d, 0x1f44e, 0x1f4a9, 0x1f644,
  0x1f612, 0x1f629, 0x1f62b, 0x1f616, 0x1f623, 0x1f61f, 0x1f615, 0x1f641, 0x2639, 0x1f611, 0x1f610, 0x1f926, 0x1f631,
  0x1f630, 0x1f628, 0x1f494, 0x1f595, 0x1f62a, 0x1f614, 0x1f922, 0x1f92e, 0x1f625, 0x1f613, 0x1f92f]);
const POS_EMOJI = new Set([0x1f60a, 0x1f600, 0x1f603, 0x1f601, 0x1f60d, 0x2764, 0x1f44d, 0x1f64f, 0x1f389, 0x1f604,
  0x1f618, 0x1f970, 0x1f495, 0x1f496, 0x1f44f, 0x1f64c, 0x1f60e, 0x2728, 0x1f4af, 0x1f917, 0x263a, 0x1f609, 0x1f31f,
  0x1f602, 0x1f923, 0x1f499, 0x1f49c, 0x1f49a, 0x2665, 0x1f60b, 0x1f642]);
const EMOTICON_NEXT = new Set([0x28, 0x29, 0x5b, 0x5d, 0x64, 0x70, 0x2f, 0x5c, 0x7c]); // ( ) [ ] d p / \ |
const NEG_EMOTICON_END = new Set([0x28, 0x5b, 0x2f, 0x5c, 0x7c]); // ( [ / \ |

function isEmojiCp(cp: number): boolean {
  return (cp >= 0x1f300 && cp <= 0x1faff) || (cp >= 0x2600 && cp <= 0x27bf) || (cp >= 0x1f000 && cp <= 0x1f2ff);
}

export function tokenise(lower: string, t: Tokens): void {
  t.n = 0;
  const n = lower.length;
  let i = 0;
  let clause = 0;
  while (i < n) {
    const c = lower.charCodeAt(i);
    if (isLetter(c)) {
      const s = i;
      if ((c === 0x68 && (lower.startsWith('http://', i) || lower.startsWith('https://', i))) || (c === 0x77 && lower.startsWith('www.', i))) {
        while (i < n && lower.charCodeAt(i) > 0x20) i++;
        t.push(s, i, Tok.Url);
        t.clause[t.n - 1] = clause;
        continue;
      }
      i++;
      while (i < n) {
        const d = lower.charCodeAt(i);
        if (isLetter(d) || isDigit(d) || (d >= 0x300 && d <= 0x36f)) i++;
        else if ((d === 0x27 || d === 0x2019 || d === 0x2d) && i + 1 < n && isLetter(lower.charCodeAt(i + 1))) i += 2;
        else break;
      }
      t.push(s, i, Tok.Word);
    } else if (isDigit(c)) {
      const s = i;
      i++;
      while (i < n) {
        const d = lower.charCodeAt(i);
        if (isDigit(d)) i++;
        else if ((d === 0x2e || d === 0x2c || d === 0x3a) && i + 1 < n && isDigit(lower.charCodeAt(i + 1))) i += 2;
        else break;
      }
      t.push(s, i, Tok.Num);
    } else if (c === 0x40 && i + 1 < n && (isLetter(lower.charCodeAt(i + 1)) || isDigit(lower.charCodeAt(i + 1)) || lower.charCodeAt(i + 1) === 0x5f)) {
      const s = i;
      i++;
      while (i < n) {
        const d = lower.charCodeAt(i);
        if (isLetter(d) || isDigit(d) || d === 0x5f) i++;
        else break;
      }
      t.push(s, i, Tok.User);
    } else if (c === 0x21 || c === 0x3f) {
      const s = i;
      while (i < n && (lower.charCodeAt(i) === 0x21 || lower.charCodeAt(i) === 0x3f)) i++;
      t.push(s, i, Tok.Punct);
      t.clause[t.n - 1] = clause++;
      continue;
    } else if ((c === 0x3a || c === 0x3b || c === 0x3d) && i + 1 < n) {
      let j = i + 1;
      if (lower.charCodeAt(j) === 0x2d && j + 1 < n) j++;
      const d = lower.charCodeAt(j);
      if (EMOTICON_NEXT.has(d) && (j + 1 >= n || !isLetter(lower.charCodeAt(j + 1)))) {
        t.push(i, j + 1, Tok.Emoticon);
        i = j + 1;
      } else {
        t.push(i, i + 1, Tok.Break);
        t.clause[t.n - 1] = clause++;
        i++;
        continue;
      }
    } else if (c === 0x3c && i + 1 < n && lower.charCodeAt(i + 1) === 0x33) {
      t.push(i, i + 2, Tok.Emoticon);
      i += 2;
    } else if (c >= 0xd800 && c <= 0xdbff) {
      const cp = lower.codePointAt(i) ?? 0;
      if (isEmojiCp(cp)) t.push(i, i + 2, Tok.Emoji);
      i += 2;
      if (t.n === 0 || t.type[t.n - 1] !== Tok.Emoji || t.start[t.n - 1] !== i - 2) continue;
    } else if (c >= 0x2600 && c <= 0x27bf) {
      t.push(i, i + 1, Tok.Emoji);
      i++;
    } else {
      if (c === 0x2e || c === 0x2c || c === 0x3b || c === 0x0a || c === 0x22 || c === 0x201c || c === 0x201d) {
        t.push(i, i + 1, Tok.Break);
        t.clause[t.n - 1] = clause++;
        i++;
        continue;
      }
      i++;
      continue;
    }
    t.clause[t.n - 1] = clause;
  }
}

// ------------------------------------------------------------------ cue analysis
const matchBuf: Array<Match<CueInfo>> = [];

/** German intensifying compound prefixes: "Riesensauerei", "stinksauer", "Megachaos", "todtraurig". */
const DE_INTENSE_PREFIX = ['riesen', 'mega', 'super', 'stink', 'tod', 'sau', 'hunds', 'grotten', 'ober', 'erz', 'ultra',
  'extrem', 'total', 'voll', 'höllen', 'hoellen', 'mords', 'bomben', 'kotz', 'scheiß', 'scheiss'];

function intensifiedCompound(lower: string, wordStart: number, stemStart: number): boolean {
  if (stemStart - wordStart < 3) return false;
  for (const p of DE_INTENSE_PREFIX) if (p.length <= stemStart - wordStart && lower.startsWith(p, wordStart)) return true;
  return false;
}

function overlapsAny(s: number, e: number, spans: number[]): boolean {
  for (let k = 0; k < spans.length; k += 2) if (s < spans[k + 1] && spans[k] < e) return true;
  return false;
}

/**
 * Extract cues. `orig` and `lower` have the same length (`lower` = orig.toLowerCase()); `orig`
 * is only used for emphasis (capitals). `extra` is the tenant's compiled extra cue words.
 */
export function analyse(orig: string, lower: string, lang: Lang, extra: CueMatcher<CueInfo> | null, tokens: Tokens): Analysis {
  const lex = LEXICONS[lang];
  tokenise(lower, tokens);
  const T = tokens;
  const hits: CueHit[] = [];
  const cues = new Float64Array(CUE_NAMES.length);
  const add = (k: keyof typeof CUE, v = 1) => {
    cues[CUE[k]] += v;
  };
  const intents: string[] = [];
  const addIntent = (i: string | undefined) => {
    if (i && !intents.includes(i)) intents.push(i);
  };

  matchBuf.length = 0;
  lex.matcher.scan(lower, matchBuf);
  if (extra) extra.scan(lower, matchBuf);
  // Same span: the pattern found later in the word wins, as the last part (the head) of a German
  // compound carries its meaning ("Superchaos" is chaos, "Kundenservice-Katastrophe" a disaster).
  matchBuf.sort((a, b) => a.start - b.start || b.end - a.end || b.stemStart - a.stemStart);

  // Pass 1: structure words (negators, intensifiers, contrast) and strong cues.
  let contrastTok = -1;
  let contrastAt = -1;
  const negTok: number[] = [];
  const intTok: number[] = [];
  const strong: number[] = [];
  let ccCount = 0;
  for (const m of matchBuf) {
    const d = m.data;
    switch (d.cat) {
      case 'negator': {
        const j = T.at(m.start);
        negTok.push(j);
        T.neg[j] = 1;
        break;
      }
      case 'intensifier':
        intTok.push(T.at(m.start));
        break;
      case 'contrast':
        contrastAt = m.start;
        contrastTok = T.at(m.start);
        hits.push({ cue: 'contrast', kind: 'contrast', start: m.start, end: m.end });
        break;
      case 'profanity':
      case 'unacceptable':
      case 'cc':
      case 'tenant':
        if (overlapsAny(m.start, m.end, strong)) break;
        strong.push(m.start, m.end);
        hits.push({ cue: d.cue, kind: d.kind, start: m.start, end: m.end, intent: d.intent });
        add((d.cat === 'cc' ? d.cue : d.cat) as keyof typeof CUE);
        if (d.cat === 'cc') ccCount++;
        if (d.cat === 'tenant') add('neg');
        addIntent(d.intent);
        break;
      case 'intent':
        hits.push({ cue: d.cue, kind: d.kind, start: m.start, end: m.end, intent: d.intent });
        add(d.cue as keyof typeof CUE);
        addIntent(d.intent);
        break;
      default:
        break;
    }
  }
  if (contrastAt >= 0) add('contrast');
  if (negTok.length) add('negator');

  // Token rules: waiting time and counted repeat contacts.
  for (let k = 1; k < T.n; k++) {
    if (T.type[k] !== Tok.Word) continue;
    const len = T.end[k] - T.start[k];
    if (len > 9) continue;
    const w = lower.slice(T.start[k], T.end[k]);
    const isUnit = lex.timeUnits.has(w);
    const isRep = lex.repeatUnits.has(w);
    if (!isUnit && !isRep) continue;
    const word = (j: number) => (j >= 0 && T.type[j] === Tok.Word ? lower.slice(T.start[j], T.end[j]) : '');
    const prevIsCount = T.type[k - 1] === Tok.Num || lex.numberWords.has(word(k - 1));
    if (isUnit) {
      let trig = -1;
      if (prevIsCount) {
        for (let j = k - 2; j >= Math.max(0, k - 4); j--) {
          if (lex.waitTriggers.has(word(j))) {
            trig = j;
            break;
          }
        }
      } else if (w.length > 3 && w.endsWith(lang === 'de' ? 'n' : 's') && lex.waitTriggers.has(word(k - 1))) {
        trig = k - 1; // "for hours", "seit Wochen"
      } else if (w.length > 3 && word(k - 1) === 'couple' && word(k - 3) && lex.waitTriggers.has(word(k - 3))) {
        trig = k - 3;
      }
      if (trig >= 0 && !overlapsAny(T.start[trig], T.end[k], strong)) {
        strong.push(T.start[trig], T.end[k]);
        hits.push({ cue: 'waiting_time', kind: 'contact_center', start: T.start[trig], end: T.end[k] });
        add('waiting_time');
        ccCount++;
      }
    } else if (isRep) {
      let cnt = -1;
      if (prevIsCount && !/^(?:a|an|ein|eine)$/.test(word(k - 1))) cnt = k - 1;
      else if (k >= 2 && T.type[k - 1] === Tok.Break && T.type[k - 2] === Tok.Num) cnt = k - 2; // "3. Mal"
      if (cnt >= 0 && !overlapsAny(T.start[cnt], T.end[k], strong)) {
        strong.push(T.start[cnt], T.end[k]);
        hits.push({ cue: 'repeat_contact', kind: 'contact_center', start: T.start[cnt], end: T.end[k] });
        add('repeat_contact');
        ccCount++;
      }
    }
  }

  // Pass 2: lexicon words with negation, intensifier and contrast handling.
  let negScore = 0;
  let posScore = 0;
  const lexSpans: number[] = [];
  for (const m of matchBuf) {
    const d = m.data;
    if (d.cat !== 'neg' && d.cat !== 'pos') continue;
    if (overlapsAny(m.start, m.end, lexSpans)) continue;
    if (d.cat === 'neg' && overlapsAny(m.start, m.end, strong)) continue;
    lexSpans.push(m.start, m.end);
    const pol = d.cat === 'neg' ? -1 : 1;
    const t0 = T.at(m.start);
    const t1 = T.at(Math.max(m.start, m.end - 1));
    const cl = T.clause[t0];
    let negated = false;
    for (const j of negTok) {
      if (j < t0 && j >= t0 - 3 && T.clause[j] === cl && !(contrastTok > j && contrastTok < t0)) negated = true;
      else if (lang === 'de' && j > t1 && j <= t1 + 2 && T.clause[j] === T.clause[t1]) negated = true;
    }
    const intense = !negated && (intTok.includes(t0 - 1) || (lang === 'de' && intensifiedCompound(lower, m.start, m.stemStart)));
    let w = intense ? 1.5 : 1;
    if (contrastAt >= 0) w *= m.start > contrastAt ? 1.5 : 0.5;
    const effective = negated ? -pol : pol;
    if (effective < 0) negScore += w;
    else posScore += w;
    if (pol < 0) {
      if (negated) add('neg_negated');
      else {
        add('neg', w);
        if (intense) add('neg_intense');
        if (contrastAt >= 0) add(m.start > contrastAt ? 'neg_after_contrast' : 'neg_before_contrast');
      }
    } else if (negated) add('pos_negated');
    else {
      add('pos', w);
      if (intense) add('pos_intense');
      if (contrastAt >= 0) add(m.start > contrastAt ? 'pos_after_contrast' : 'pos_before_contrast');
    }
    if (effective < 0) {
      hits.push({
        cue: negated ? 'negated_positive' : intense ? 'intensified_negative' : 'negative_word',
        kind: negated ? 'negation' : intense ? 'intensifier' : 'lexicon',
        start: m.start,
        end: m.end,
      });
    }
  }

  // Emphasis: capitals, !!!, ?!, emoji and emoticons.
  let exclaimRuns = 0;
  let capsWords = 0;
  const sameCase = orig.length === lower.length;
  for (let k = 0; k < T.n; k++) {
    const s = T.start[k];
    const e = T.end[k];
    switch (T.type[k]) {
      case Tok.Word: {
        if (!sameCase || e - s < 3) break;
        let upper = true;
        for (let i = s; i < e; i++) {
          const c = orig.charCodeAt(i);
          if (c === lower.charCodeAt(i) && isLetter(c)) {
            upper = false;
            break;
          }
        }
        if (upper && orig.charCodeAt(s) !== lower.charCodeAt(s) && !DROP.has(lower.slice(s, e))) {
          capsWords++;
          if (capsWords <= 2) hits.push({ cue: 'capitals', kind: 'emphasis', start: s, end: e });
        }
        break;
      }
      case Tok.Punct: {
        let ex = false;
        let q = false;
        for (let i = s; i < e; i++) {
          if (lower.charCodeAt(i) === 0x21) ex = true;
          else q = true;
        }
        if (ex) add('exclaim');
        if (q) add('question');
        if (ex && e - s >= 2) {
          exclaimRuns++;
          if (q) add('interrobang');
          if (exclaimRuns === 1) hits.push({ cue: 'exclamation', kind: 'emphasis', start: s, end: e });
        }
        break;
      }
      case Tok.Emoticon: {
        if (NEG_EMOTICON_END.has(lower.charCodeAt(e - 1))) {
          add('neg_emoji');
          hits.push({ cue: 'negative_emoticon', kind: 'emoji', start: s, end: e });
        } else add('pos_emoji');
        break;
      }
      case Tok.Emoji: {
        const cp = lower.codePointAt(s) ?? 0;
        if (NEG_EMOJI.has(cp)) {
          add('neg_emoji');
          hits.push({ cue: 'negative_emoji', kind: 'emoji', start: s, end: e });
        } else if (POS_EMOJI.has(cp)) add('pos_emoji');
        break;
      }
      case Tok.User:
        add('has_user');
        break;
      case Tok.Url:
        add('has_url');
        break;
      default:
        break;
    }
  }
  if (exclaimRuns) add('exclaim_run', exclaimRuns);
  if (capsWords) add('caps_word', capsWords);
  if (negScore > 0 && posScore === 0) add('no_pos');
  if (negScore > posScore) add('neg_dominant');
  if (ccCount > 0 && negScore === 0) add('only_cc');
  if (lower.length > 600) add('long_text');

  hits.sort((a, b) => a.start - b.start);
  intents.sort();
  return { lang, hits, intents, cues, tokens };
}

// ------------------------------------------------------------------ featurisation
const BOUNDARY = 0x20;
/** Weight of one char n-gram relative to a word n-gram, before block normalisation. */
const CHAR_W = 0.5;
/** Scale of the length-normalised n-gram block relative to the cue features. */
const TEXT_S = 3;
/**
 * Char n-grams: 4- and 5-grams of the first CHAR_BUDGET letters of a message (3-grams added cost
 * and no cross-genre accuracy; the budget bounds the cost of long German posts).
 */
const CHAR_MIN = 4;
const CHAR_MAX = 5;
const CHAR_BUDGET = 350;
/** Word n-grams of at most this many tokens per message (cues still see the whole text). */
const MAX_NGRAM_TOKENS = 400;
/**
 * Cues that describe the development data's channel rather than the customer's mood (tweets with
 * @handles and links, long forum posts): kept in the analysis, never model features, so the model
 * cannot learn "a link means a negative news item" and carry that to e-mails and chats.
 */
const NOT_FEATURES = new Set<number>([CUE.has_user, CUE.has_url, CUE.long_text]);
const NEG_SEED = 0x5bd1e995;

/** Fill `buf` with the hashed features of one analysed message. Deterministic; shared by train and serve. */
export function featurize(lower: string, a: Analysis, space: FeatureSpace, buf: FeatureBuffer): void {
  buf.reset();
  const mask = space.mask;
  const seed = space.seeds[a.lang];
  const ph = space.placeholder[a.lang];
  const T = a.tokens;
  buf.push(space.biasHash[a.lang], 1, mask);

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
      case Tok.Word: {
        const len = e - s;
        if (len <= 13 && len >= 2 && DROP.has(lower.slice(s, e))) continue;
        h = hashRange(lower, s, e, seed);
        if (negScope > 0) {
          negScope--;
          h = mix(h ^ NEG_SEED);
        }
        if (T.neg[k]) negScope = 3;
        // Char 3-5-grams with word boundaries, hashed incrementally (no substrings); the budget
        // bounds the cost of very long posts (their first ~700 letters carry the char n-grams).
        if (len < 40 && charBudget > 0) {
          charBudget -= len;
          const L = len + 2;
          for (let i = 0; i < L - 2; i++) {
            let ch = (FNV_OFFSET ^ seed ^ 0x55) >>> 0;
            for (let q = 0; q < CHAR_MAX && i + q < L; q++) {
              const c = i + q === 0 || i + q === L - 1 ? BOUNDARY : lower.charCodeAt(s + i + q - 1);
              ch = Math.imul(ch ^ c, FNV_PRIME);
              if (q >= CHAR_MIN - 1) buf.push(ch >>> 0, CHAR_W, mask);
            }
          }
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
  if (nText > 0) {
    const scale = TEXT_S / Math.sqrt(nText);
    for (let i = 1; i < buf.n; i++) buf.val[i] *= scale;
  }

  // Cue features: shared and language-specific, log-scaled counts.
  const chs = space.cueHash[a.lang];
  const cues = a.cues;
  for (let k = 0; k < cues.length; k++) {
    if (cues[k] === 0) continue;
    if (NOT_FEATURES.has(k)) continue;
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
  waiting_time: 1, still_waiting: 1, repeat_contact: 0.8, hold_wait: 0.8, cancellation_threat: 1, legal_threat: 1,
  complaint: 0.8, neg_emoji: 0.8, pos_emoji: -0.8, neg_dominant: 0.3, interrobang: 0.3,
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
