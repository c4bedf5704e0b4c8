/**
 * Precision rules over the cue analysis: when is a named problem *not* an emotion (a plain request,
 * thanks, a solved problem, a cancellation asked for politely), and when is praise sarcasm
 * ("thanks for charging me twice", "great, another delay", "Vielen Dank auch, dass ...").
 * They work on the token indices of the rule words the one matcher pass found (lexicon-rules.ts),
 * so they add no text scan of their own.
 */
import { CUE } from './feature-space';
import type { Lang } from './lexicon';
import { OPENERS } from './lexicon-rules';
import { CueHit, Tok, Tokens } from './text-tokens';

/** Rule words found in a message: [first token, last token] pairs per category. */
export class RuleMarks {
  gratitude: number[] = [];
  praise: number[] = [];
  resolution: number[] = [];
  fact: number[] = [];
  threat: number[] = [];
  cancelReq: number[] = [];
  info: number[] = [];
  reset(): void {
    // Setting an array's length is a runtime call: only touch the ones that were used.
    if (this.gratitude.length) this.gratitude.length = 0;
    if (this.praise.length) this.praise.length = 0;
    if (this.resolution.length) this.resolution.length = 0;
    if (this.fact.length) this.fact.length = 0;
    if (this.threat.length) this.threat.length = 0;
    if (this.cancelReq.length) this.cancelReq.length = 0;
    if (this.info.length) this.info.length = 0;
  }
}

/**
 * Does this hit back a flag? Intent tags (bill, outage, provisioning, refund, hotline), problem
 * words that state a fact ("lost", "Fehler"), contrast words and the platform's own judgement never
 * do on their own: a flag needs emotional evidence (or a sure model).
 */
export function isBacking(h: CueHit): boolean {
  return h.kind !== 'intent' && h.kind !== 'fact' && h.kind !== 'contrast' && h.kind !== 'platform' && h.cue !== 'hold_wait'
    && h.cue !== 'refund';
}

/** Negative evidence that can make praise before it sarcastic. */
function isBadFact(h: CueHit): boolean {
  return h.kind !== 'contrast' && h.kind !== 'emphasis' && h.kind !== 'emoji' && h.kind !== 'platform' && h.cue !== 'cancellation';
}

function anyIn(marks: number[], from: number, to: number): boolean {
  for (let k = 0; k < marks.length; k += 2) if (marks[k] >= from && marks[k] <= to) return true;
  return false;
}

/** Index of the last token of the sentence containing token k ('.', '!', '?', ';' and line breaks end one). */
function sentenceEnd(lower: string, T: Tokens, k: number): number {
  for (let j = k + 1; j < T.n; j++) {
    if (T.type[j] === Tok.Punct) return j - 1;
    if (T.type[j] === Tok.Break) {
      const c = lower.charCodeAt(T.start[j]);
      if (c === 0x2e || c === 0x0a || c === 0x3b) return j - 1;
    }
  }
  return T.n - 1;
}

/** Next word token after k, skipping at most one comma or '!' (as in "great, another delay"). */
function nextWord(lower: string, T: Tokens, k: number): number {
  let j = k + 1;
  if (j < T.n && (T.type[j] === Tok.Punct || (T.type[j] === Tok.Break && lower.charCodeAt(T.start[j]) === 0x2c))) j++;
  return j < T.n && T.type[j] === Tok.Word ? j : -1;
}

function wordIs(lower: string, T: Tokens, j: number, words: readonly string[]): boolean {
  if (j < 0 || j >= T.n || T.type[j] !== Tok.Word) return false;
  const s = T.start[j];
  const len = T.end[j] - s;
  for (const w of words) if (w.length === len && lower.startsWith(w, s)) return true;
  return false;
}

const FOR = ['for', 'für', 'fuer'];
const FILLER = ['so', 'much', 'very', 'a', 'lot', 'sehr', 'vielmals'];
const ALSO = ['auch'];
const THAT = ['dass', 'daß', 'dafür', 'dafuer'];
const ARTICLE = ['a', 'an', 'the', 'my', 'ein', 'eine', 'einen', 'der', 'die', 'das', 'den'];

/**
 * Apply the rules; mutates `hits` and `cues`. `tokHits` holds the first token of every hit so far
 * (parallel to `hits`).
 */
export function applyCueRules(lower: string, lang: Lang, T: Tokens, marks: RuleMarks, hits: CueHit[], cues: Float64Array): void {
  const startTok = hits.map((h) => T.at(h.start));
  const badAt = (from: number, to: number) => hits.some((h, i) => startTok[i] >= from && startTok[i] <= to && isBadFact(h));
  let sarcasm = cues[CUE.sarcasm] > 0;
  const addSarcasm = (a: number, b: number) => {
    for (const h of hits) if (h.kind === 'sarcasm' && h.start < T.end[b] && T.start[a] < h.end) return;
    hits.push({ cue: 'sarcasm', kind: 'sarcasm', start: T.start[a], end: T.end[b] });
    cues[CUE.sarcasm]++;
    cues[CUE.pos] = Math.max(0, cues[CUE.pos] - 1);
    sarcasm = true;
  };
  // Thanks + "for" + a bad fact within a few words, unless it is thanks for help or information.
  const g = marks.gratitude;
  for (let k = 0; k < g.length; k += 2) {
    let n = nextWord(lower, T, g[k + 1]);
    // "thank you so much for ...", "danke vielmals für ..."
    for (let skip = 0; skip < 2 && wordIs(lower, T, n, FILLER); skip++) n++;
    if (n < 0) continue;
    if (lang === 'de' && wordIs(lower, T, n, ALSO)) {
      // "Vielen Dank auch, dass ..." is sarcasm; "Danke auch für ..." goes on like "Danke für ...".
      const m = nextWord(lower, T, n);
      if (wordIs(lower, T, m, THAT)) {
        addSarcasm(g[k], m);
        continue;
      }
      if (wordIs(lower, T, m, FOR)) n = m;
    }
    if (wordIs(lower, T, n, FOR)) {
      const end = Math.min(n + 5, sentenceEnd(lower, T, n));
      if ((badAt(n + 1, end) || anyIn(marks.fact, n + 1, end)) && !anyIn(marks.resolution, n + 1, end) && !anyIn(marks.info, n, end)
        && !anyIn(marks.praise, n + 1, end)) addSarcasm(g[k], end);
    }
  }
  // Praise followed at once by a bad fact: "great, another delay", "super, schon wieder", "love how ...".
  const p = marks.praise;
  for (let k = 0; k < p.length; k += 2) {
    const a = p[k];
    const b = p[k + 1];
    const phrase = b > a || lower.startsWith('so glad', T.start[a]);
    let n = nextWord(lower, T, b);
    if (n < 0) continue;
    if (phrase) {
      const end = Math.min(n + 6, sentenceEnd(lower, T, n));
      if (badAt(n, end) && !anyIn(marks.resolution, n, end)) addSarcasm(a, end);
      continue;
    }
    if (wordIs(lower, T, n, ARTICLE)) n++;
    if (anyIn(marks.fact, n, n) || (badAt(n, n) && !anyIn(marks.resolution, n, n + 3))) addSarcasm(a, n);
  }
  // A cancellation asked for politely is a tag; with a threat marker or other evidence it is a threat.
  const c = marks.cancelReq;
  if (c.length) {
    const evidence = hits.some((h) => isBacking(h) && h.kind !== 'emphasis');
    if (evidence || marks.threat.length) {
      for (const h of hits) {
        if (h.cue !== 'cancellation') continue;
        h.cue = 'cancellation_threat';
        h.kind = 'contact_center';
        cues[CUE.cancellation_threat]++;
      }
    }
  }
  // Calm: a plain request, thanks or a solved problem, with no emotional evidence and no problem word
  // ("why is my flight delayed?" is a complaint put as a question).
  const backed = hits.some((h) => isBacking(h) || h.kind === 'fact');
  if (marks.resolution.length && !sarcasm) cues[CUE.resolved] = 1;
  if (g.length && !sarcasm) cues[CUE.gratitude] = 1;
  if (!backed) {
    const first = firstWord(T);
    let opens = false;
    if (first >= 0) {
      const w1 = lower.slice(T.start[first], T.end[first]);
      opens = OPENERS[lang].has(w1)
        || (first + 1 < T.n && T.type[first + 1] === Tok.Word && OPENERS[lang].has(`${w1} ${lower.slice(T.start[first + 1], T.end[first + 1])}`));
    }
    if (opens || cues[CUE.question] > 0 || cues[CUE.gratitude] > 0 || cues[CUE.resolved] > 0) cues[CUE.calm] = 1;
  }
}

function firstWord(T: Tokens): number {
  for (let k = 0; k < T.n; k++) {
    if (T.type[k] === Tok.Word) return k;
    if (T.type[k] !== Tok.User && T.type[k] !== Tok.Url && T.type[k] !== Tok.Pii && T.type[k] !== Tok.Break) return -1;
  }
  return -1;
}

const FIRST_PERSON = new Set(['i', "i'm", 'im', "i've", "i'll", "i'd", 'me', 'my', 'mine', 'we', 'us', 'our', 'ich', 'mir', 'mich', 'mein',
  'meine', 'meinen', 'meinem', 'meiner', 'meines', 'wir', 'uns', 'unser', 'unsere', 'unseren', 'unserem', 'unserer']);

/**
 * Does the writer speak for themselves ("I", "my", "ich", "meine")? A customer's threat does; a news
 * item about a strike arbitration ("Bahn und GDL vereinbaren Schlichtung") does not. Only called for
 * the rare messages with an escalation cue, so the slices cost nothing in bulk.
 */
export function speaksForThemselves(lower: string, T: Tokens): boolean {
  for (let k = 0; k < T.n; k++) {
    if (T.type[k] === Tok.Word && T.end[k] - T.start[k] <= 7 && FIRST_PERSON.has(lower.slice(T.start[k], T.end[k]))) return true;
  }
  return false;
}
