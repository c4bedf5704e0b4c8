/** Cue analysis: lexicon hits, negation scope, intensifiers, contrast, waiting time, repeat contact, intents. */
import { CueInfo, LEXICONS, Lang } from './lexicon';
import { CueMatcher, Match, sortMatches } from './matcher';
import { CUE, CUE_NAMES, hashRange } from './feature-space';
import { Analysis, CueHit, Tok, Tokens, sortHits, tokenise } from './text-tokens';
import { RuleMarks, applyCueRules } from './cue-rules';
import { emphasisCues } from './emphasis';

// ------------------------------------------------------------------ cue analysis
const matchBuf: Array<Match<CueInfo>> = [];
const marks = new RuleMarks();
/** Hashes of the time and repeat units, so the token rules slice only the words that may be one. */
const UNIT_HASHES: Record<Lang, Set<number>> = { en: new Set(), de: new Set() };
/**
 * Units by first and last letter (both ASCII) and length (bit): most words are ruled out by one
 * load, before any hashing.
 */
const UNIT_SHAPE: Record<Lang, Uint16Array> = { en: new Uint16Array(128 * 128), de: new Uint16Array(128 * 128) };
for (const l of ['en', 'de'] as Lang[]) {
  for (const w of [...LEXICONS[l].timeUnits, ...LEXICONS[l].repeatUnits]) {
    UNIT_HASHES[l].add(hashRange(w, 0, w.length, 0));
    const a = w.charCodeAt(0);
    const z = w.charCodeAt(w.length - 1);
    if (a >= 128 || z >= 128 || w.length > 9) throw new Error(`unit "${w}" must be ASCII-bounded and at most 9 letters`);
    UNIT_SHAPE[l][a * 128 + z] |= 1 << w.length;
  }
}
/** Negative words that name a problem: "gelöst"/"fixed" next to them means the problem is over. */
const PROBLEM_NOUNS = ['problem', 'issue', 'trouble', 'error', 'fehler', 'störung', 'stoerung', 'panne', 'mangel'];

const WEAK_TRIGGERS = new Set(['for', 'about', 'after', 'another', 'than', 'almost', 'nearly', 'over']);
const WAIT_CONTEXT = /^(?:wait\w*|hold|held|delay\w*|stuck|sat|sitting|queue\w*|been|still|late|took|taking|spent|no|not|nothing|without|never|cancel\w*|down|offline|broken|lost|missing|outage|gone|dead|ringing|listening|chasing)$/;

/** A waiting word, or a negator, in the clause before token `trig`. */
function waitContext(lower: string, T: Tokens, trig: number): boolean {
  for (let j = trig - 1; j >= 0 && j >= trig - 6 && T.clause[j] === T.clause[trig]; j--) {
    if (T.type[j] === Tok.Word && T.end[j] - T.start[j] <= 12 && WAIT_CONTEXT.test(lower.slice(T.start[j], T.end[j]))) return true;
    if (T.neg[j]) return true;
  }
  return false;
}

function isProblemNoun(lower: string, s: number, e: number): boolean {
  const w = lower.slice(s, e);
  for (const p of PROBLEM_NOUNS) if (w.includes(p)) return true;
  return false;
}

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
export function analyse(orig: string, lower: string, lang: Lang, extra: CueMatcher<CueInfo> | null, tokens: Tokens, pii?: number[]): Analysis {
  const lex = LEXICONS[lang];
  tokenise(lower, tokens);
  const T = tokens;
  const hits: CueHit[] = [];
  // The counts live with the per-detector token arrays: read before the next call (as the tokens are).
  const cues = T.cues;
  cues.fill(0);
  const add = (k: keyof typeof CUE, v = 1) => {
    cues[CUE[k]] += v;
  };
  const intents: string[] = [];
  const addIntent = (i: string | undefined) => {
    if (i && !intents.includes(i)) intents.push(i);
  };

  if (matchBuf.length) matchBuf.length = 0;
  lex.matcher.scan(lower, matchBuf);
  if (extra) extra.scan(lower, matchBuf);
  // Same span: the pattern found later in the word wins, as the last part (the head) of a German
  // compound carries its meaning ("Superchaos" is chaos, "Kundenservice-Katastrophe" a disaster).
  sortMatches(matchBuf);
  // A placeholder's letters ("[email]") are never a cue.
  if (pii && pii.length) {
    let w = 0;
    for (const m of matchBuf) if (!overlapsAny(m.start, m.end, pii)) matchBuf[w++] = m;
    matchBuf.length = w;
  }
  marks.reset();
  // A complaint noun or verb negated up to 4 tokens before: "never had anything to complain about".
  const negatedBefore = (t0: number) => {
    for (const j of negTok) if (j < t0 && j >= t0 - 4 && T.clause[j] === T.clause[t0]) return true;
    return false;
  };

  const pushMark = (cat: string, a: number, b: number) => {
    const arr = cat === 'gratitude' ? marks.gratitude : cat === 'praise' ? marks.praise : cat === 'resolution' ? marks.resolution
      : cat === 'fact' ? marks.fact : cat === 'info' ? marks.info : marks.threat;
    arr.push(a, b);
  };
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
      case 'gratitude':
      case 'praise':
      case 'resolution':
      case 'fact':
      case 'threat_marker':
      case 'info':
        pushMark(d.cat, T.at(m.start), T.at(Math.max(m.start, m.end - 1)));
        break;
      case 'cancel_req':
        marks.cancelReq.push(T.at(m.start), T.at(Math.max(m.start, m.end - 1)));
        hits.push({ cue: d.cue, kind: d.kind, start: m.start, end: m.end, intent: d.intent });
        addIntent(d.intent);
        break;
      case 'cc':
      case 'profanity':
      case 'unacceptable':
      case 'tenant':
      case 'sarcasm':
      case 'final':
        if (overlapsAny(m.start, m.end, strong)) break;
        // "no complaints", "I can't complain", "kein Grund zur Beschwerde": a negated complaint is none.
        if (d.cue === 'complaint' && negatedBefore(T.at(m.start))) {
          add('neg_negated');
          break;
        }
        strong.push(m.start, m.end);
        hits.push({ cue: d.cue, kind: d.kind, start: m.start, end: m.end, intent: d.intent });
        add((d.cat === 'cc' || d.cat === 'final' ? d.cue : d.cat) as keyof typeof CUE);
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
  const unitShape = UNIT_SHAPE[lang];
  const unitHashes = UNIT_HASHES[lang];
  for (let k = 1; k < T.n; k++) {
    if (T.type[k] !== Tok.Word) continue;
    const len = T.end[k] - T.start[k];
    const c0 = lower.charCodeAt(T.start[k]);
    const c1 = lower.charCodeAt(T.end[k] - 1);
    if (len > 9 || c0 >= 128 || c1 >= 128 || ((unitShape[c0 * 128 + c1] >> len) & 1) === 0) continue;
    if (!unitHashes.has(hashRange(lower, T.start[k], T.end[k], 0))) continue; // no slice per word
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
      // "for 20 minutes" is a wait only after waiting words ("on hold for", "delayed for", "no internet
      // for"); "set an alarm for 20 minutes" or "a car for 4 days" is a request.
      if (trig >= 0 && lang === 'en' && WEAK_TRIGGERS.has(word(trig)) && !waitContext(lower, T, trig)) trig = -1;
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
    if (pol < 0 && !negated) {
      // "Das Problem ist gelöst", "issue fixed": a problem noun next to a resolution word is over.
      if (marks.resolution.length && isProblemNoun(lower, m.start, m.end)) {
        for (let r = 0; r < marks.resolution.length; r += 2) {
          const rt = marks.resolution[r];
          if (rt > t1 && rt <= t1 + 4 && T.clause[rt] === T.clause[t1]) negated = true;
        }
      }
      // "ich warte gern(e)": waiting gladly is no complaint.
      if (lang === 'de' && t1 + 1 < T.n && lower.startsWith('gern', T.start[t1 + 1])) negated = true;
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
        cue: negated ? 'negated_positive' : intense ? 'intensified_negative' : d.cue,
        kind: negated ? 'negation' : intense ? 'intensifier' : d.kind,
        start: m.start,
        end: m.end,
      });
    }
  }

  emphasisCues(orig, lower, T, hits, cues);
  if (negScore > 0 && posScore === 0) add('no_pos');
  if (negScore > posScore) add('neg_dominant');
  if (ccCount > 0 && negScore === 0) add('only_cc');
  if (lower.length > 600) add('long_text');

  applyCueRules(lower, lang, T, marks, hits, cues);
  sortHits(hits);
  intents.sort();
  return { lang, hits, intents, cues, tokens };
}
