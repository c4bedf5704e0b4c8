/** Tokens of a lower-cased message: one char loop, placeholders for URLs, handles and numbers. */
import type { Lang } from './lexicon';
import { isDigit, isLetter } from './matcher';

/** Number of cue features (CUE_NAMES.length in feature-space.ts; checked there). */
export const CUE_COUNT = 45;

export interface CueHit {
  cue: string;
  kind: string;
  start: number;
  end: number;
  intent?: string;
}

export enum Tok {
  Word = 1,
  Num = 2,
  Url = 3,
  User = 4,
  Punct = 5,
  Emoticon = 6,
  Emoji = 7,
  Break = 8,
  /** A personal-data placeholder of the masked text ("[email]", "[phone]", "[iban]", "[card]"). */
  Pii = 9,
}

/** Reusable token arrays (one per detector; never shared across concurrent calls). */
export class Tokens {
  start = new Int32Array(1024);
  end = new Int32Array(1024);
  type = new Uint8Array(1024);
  clause = new Int32Array(1024);
  /** 1 when the token is a negator (set by analyse, used by featurize). */
  neg = new Uint8Array(1024);
  /** Cue counts of the last analysed message (Analysis.cues): reused, not allocated per message. */
  readonly cues = new Float64Array(CUE_COUNT);
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


// ------------------------------------------------------------------ tokenising
/** Names of companies in the development data and similar brands: never features (no memorising). */
export const DROP = new Set([
  'united', 'southwest', 'southwestair', 'delta', 'jetblue', 'virgin', 'virginamerica', 'americanair', 'american',
  'usairways', 'airways', 'usair', 'vx', 'va', 'aa', 'ua', 'swa', 'bahn', 'db', 'deutsche', 's-bahn', 'u-bahn',
  'dbbahn', 'ice', 'ic', 'rt', 'via', 'amp', 'gt', 'lt', 'quot',
]);
export const NEG_EMOJI = new Set([0x1f620, 0x1f621, 0x1f92c, 0x1f624, 0x1f61e, 0x1f622, 0x1f62d, 0x1f44e, 0x1f4a9, 0x1f644,
  0x1f612, 0x1f629, 0x1f62b, 0x1f616, 0x1f623, 0x1f61f, 0x1f615, 0x1f641, 0x2639, 0x1f611, 0x1f610, 0x1f926, 0x1f631,
  0x1f630, 0x1f628, 0x1f494, 0x1f595, 0x1f62a, 0x1f614, 0x1f922, 0x1f92e, 0x1f625, 0x1f613, 0x1f92f]);
export const POS_EMOJI = new Set([0x1f60a, 0x1f600, 0x1f603, 0x1f601, 0x1f60d, 0x2764, 0x1f44d, 0x1f64f, 0x1f389, 0x1f604,
  0x1f618, 0x1f970, 0x1f495, 0x1f496, 0x1f44f, 0x1f64c, 0x1f60e, 0x2728, 0x1f4af, 0x1f917, 0x263a, 0x1f609, 0x1f31f,
  0x1f602, 0x1f923, 0x1f499, 0x1f49c, 0x1f49a, 0x2665, 0x1f60b, 0x1f642]);
const EMOTICON_NEXT = new Set([0x28, 0x29, 0x5b, 0x5d, 0x64, 0x70, 0x2f, 0x5c, 0x7c]); // ( ) [ ] d p / \ |
export const NEG_EMOTICON_END = new Set([0x28, 0x5b, 0x2f, 0x5c, 0x7c]); // ( [ / \ |

function isEmojiCp(cp: number): boolean {
  return (cp >= 0x1f300 && cp <= 0x1faff) || (cp >= 0x2600 && cp <= 0x27bf) || (cp >= 0x1f000 && cp <= 0x1f2ff);
}

const PLACEHOLDERS = ['[email]', '[phone]', '[iban]', '[card]'];
function isPlaceholderAt(lower: string, i: number): boolean {
  for (const p of PLACEHOLDERS) if (lower.startsWith(p, i)) return true;
  return false;
}

/** Letters, digits and combining marks (U+0300-036F): what continues a word, one load per character. */
const WORD_CHAR = new Uint8Array(65536);
for (let c = 0; c < 65536; c++) WORD_CHAR[c] = isLetter(c) || isDigit(c) || (c >= 0x300 && c <= 0x36f) ? 1 : 0;

export function tokenise(lower: string, t: Tokens): void {
  t.n = 0;
  const n = lower.length;
  let i = 0;
  let clause = 0;
  while (i < n) {
    const c = lower.charCodeAt(i);
    if (c === 0x20) {
      i++; // the most common non-letter, before the chain of tests below
      continue;
    }
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
        if (WORD_CHAR[d] === 1) i++;
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
    } else if (c === 0x5b && isPlaceholderAt(lower, i)) {
      const e = lower.indexOf(']', i) + 1;
      t.push(i, e, Tok.Pii);
      i = e;
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


/** Stable insertion sort of the hits by start (as Array.prototype.sort, without a comparator call each). */
export function sortHits(h: CueHit[]): void {
  for (let i = 1; i < h.length; i++) {
    const x = h[i];
    let j = i - 1;
    while (j >= 0 && h[j].start > x.start) {
      h[j + 1] = h[j];
      j--;
    }
    h[j + 1] = x;
  }
}
