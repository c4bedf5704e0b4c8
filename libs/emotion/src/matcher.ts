/**
 * A dense Aho-Corasick automaton over lower-cased text: all literal cues of one language
 * (hundreds of words, stems and phrases) are found in a single pass, one array lookup per
 * character. Regex alternations were ~100x slower on long German posts.
 *
 * Pattern notation: `word` or `two words` = whole words; `stem*` = a word starting with `stem`
 * (the span extends to the end of the word); `~stem` = `stem` anywhere inside a word (German
 * compounds: "~verspät" finds "Zugverspätung"; the span extends to the whole word).
 */

export type MatchMode = 'word' | 'prefix' | 'compound';

export interface PatternInfo<T> {
  mode: MatchMode;
  len: number;
  data: T;
}

export interface Match<T> {
  start: number;
  end: number;
  data: T;
  /** Where the literal pattern itself starts (inside a compound it is after `start`). */
  stemStart: number;
}

// Alphabet: 0 = anything else (resets), 1 = space, 2 = apostrophe, 3 = hyphen, 4.. letters.
const ALPHA = new Uint8Array(65536);
let alphaSize = 4;
function letterIndex(c: number): number {
  if (ALPHA[c] === 0) ALPHA[c] = alphaSize++;
  return ALPHA[c];
}
for (const ch of ' \t\n\r\u00a0') ALPHA[ch.charCodeAt(0)] = 1;
ALPHA[0x27] = 2;
ALPHA[0x2019] = 2;
ALPHA[0x2d] = 3;
for (const ch of 'abcdefghijklmnopqrstuvwxyzäöüßéèàáâêîôûçñ') letterIndex(ch.charCodeAt(0));
const ALPHA_BITS = 6;
const ALPHA_MAX = 1 << ALPHA_BITS;

/** Letter test for boundaries: ASCII letters, Latin-1/Latin Extended letters, and other scripts. */
function letterRule(c: number): boolean {
  if (c < 0x80) return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a);
  if (c < 0xc0) return c === 0xaa || c === 0xb5 || c === 0xba;
  if (c === 0xd7 || c === 0xf7) return false;
  if (c <= 0x24f) return true;
  if (c >= 0x2000 && c <= 0x2bff) return false; // punctuation, symbols, arrows
  if (c >= 0xd800 && c <= 0xdfff) return false; // surrogates (emoji)
  if (c >= 0xfe00 && c <= 0xfe0f) return false; // variation selectors
  return c >= 0x370;
}

/** letterRule for every UTF-16 code unit: one load per character in the per-character loops. */
const LETTER = new Uint8Array(65536);
for (let c = 0; c < 65536; c++) LETTER[c] = letterRule(c) ? 1 : 0;

/** Is the UTF-16 code unit (or code point) `c` a letter (letterRule)? */
export function isLetter(c: number): boolean {
  return c <= 0xffff ? LETTER[c] === 1 : letterRule(c);
}

export function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

export class CueMatcher<T> {
  /**
   * Dense transitions; 16-bit while the automaton has < 32,768 states (half the cache footprint).
   * An entry is the next state, with `outBit` set when that state ends a pattern: the scan needs
   * no second load per character to know whether to look at outputs.
   */
  private readonly delta: Uint16Array | Int32Array;
  private readonly outBit: number;
  private readonly out: Int32Array[];
  /** 1 for states that end at least one pattern: the scan loads `out` only there. */
  private readonly hasOut: Uint8Array;
  private readonly patterns: PatternInfo<T>[] = [];
  private readonly nStates: number;

  constructor(entries: Array<[string, T]>) {
    // Build the trie.
    const trie: Array<Map<number, number>> = [new Map()];
    const outs: number[][] = [[]];
    for (const [raw, data] of entries) {
      let p = raw.trim().toLowerCase();
      let mode: MatchMode = 'word';
      if (p.startsWith('~')) {
        mode = 'compound';
        p = p.slice(1);
      }
      if (p.endsWith('*')) {
        if (mode === 'word') mode = 'prefix';
        p = p.slice(0, -1);
      }
      if (p.startsWith('=')) p = p.slice(1);
      p = p.replace(/\s+/g, ' ');
      if (!p) continue;
      let s = 0;
      for (let i = 0; i < p.length; i++) {
        const a = letterIndex(p.charCodeAt(i));
        if (a >= ALPHA_MAX) throw new Error(`cue alphabet too large at "${p}"`);
        let nx = trie[s].get(a);
        if (nx === undefined) {
          nx = trie.length;
          trie.push(new Map());
          outs.push([]);
          trie[s].set(a, nx);
        }
        s = nx;
      }
      outs[s].push(this.patterns.length);
      this.patterns.push({ mode, len: p.length, data });
    }
    // BFS: failure links, dense transition table, merged outputs.
    const n = trie.length;
    this.nStates = n;
    const delta = n < 32768 ? new Uint16Array(n * ALPHA_MAX) : new Int32Array(n * ALPHA_MAX);
    const fail = new Int32Array(n);
    const queue: number[] = [];
    for (const [a, nx] of trie[0]) {
      delta[a] = nx;
      fail[nx] = 0;
      queue.push(nx);
    }
    for (let qi = 0; qi < queue.length; qi++) {
      const s = queue[qi];
      outs[s] = outs[s].concat(outs[fail[s]]);
      for (let a = 0; a < ALPHA_MAX; a++) {
        const nx = trie[s].get(a);
        if (nx !== undefined) {
          fail[nx] = delta[fail[s] * ALPHA_MAX + a];
          delta[s * ALPHA_MAX + a] = nx;
          queue.push(nx);
        } else {
          delta[s * ALPHA_MAX + a] = delta[fail[s] * ALPHA_MAX + a];
        }
      }
      // Alphabet 0 ("other") always returns to the root.
      delta[s * ALPHA_MAX] = 0;
    }
    this.out = outs.map((o) => Int32Array.from(o));
    this.hasOut = Uint8Array.from(outs, (o) => (o.length ? 1 : 0));
    this.outBit = n < 32768 ? 0x8000 : 0x40000000;
    for (let i = 0; i < delta.length; i++) if (this.hasOut[delta[i]]) delta[i] |= this.outBit;
    this.delta = delta;
  }

  get size(): number {
    return this.nStates;
  }

  /** All matches in `lower` that satisfy their boundary mode, spans extended per mode. */
  scan(lower: string, into: Array<Match<T>>, limit = 256): Array<Match<T>> {
    const delta = this.delta;
    const outBit = this.outBit;
    const n = lower.length;
    let s = 0;
    for (let i = 0; i < n; i++) {
      s = delta[(s << ALPHA_BITS) | ALPHA[lower.charCodeAt(i)]];
      if ((s & outBit) === 0) continue;
      s ^= outBit;
      const o = this.out[s];
      for (let k = 0; k < o.length; k++) {
        const p = this.patterns[o[k]];
        let start = i - p.len + 1;
        let end = i + 1;
        if (p.mode !== 'compound' && start > 0 && isLetter(lower.charCodeAt(start - 1))) continue;
        if (p.mode === 'word') {
          if (end < n && isLetter(lower.charCodeAt(end))) continue;
        } else {
          while (end < n && isLetter(lower.charCodeAt(end))) end++;
          if (p.mode === 'compound') while (start > 0 && isLetter(lower.charCodeAt(start - 1))) start--;
        }
        into.push({ start, end, data: p.data, stemStart: i - p.len + 1 });
        if (into.length >= limit) return into;
      }
    }
    return into;
  }
}

/** Insertion sort (a message has a handful of matches): start, then longer span, then later stem first. */
export function sortMatches<T>(m: Array<Match<T>>): void {
  for (let i = 1; i < m.length; i++) {
    const x = m[i];
    let j = i - 1;
    while (j >= 0 && (m[j].start - x.start || x.end - m[j].end || x.stemStart - m[j].stemStart) > 0) {
      m[j + 1] = m[j];
      j--;
    }
    m[j + 1] = x;
  }
}
