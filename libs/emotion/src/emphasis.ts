/**
 * Emphasis cues: shouting in capitals (not acronyms, codes or currencies: SWIFT, SEPA, GBP), "!!",
 * "?!", negative and positive emoji and emoticons; also counts @handles, links and placeholders
 * (channel artefacts, kept out of the model's features).
 */
import { CUE } from './feature-space';
import { ACRONYMS, SHOUT_SHORT } from './lexicon-rules';
import { isLetter } from './matcher';
import { CueHit, DROP, NEG_EMOJI, NEG_EMOTICON_END, POS_EMOJI, Tok, Tokens } from './text-tokens';

export function emphasisCues(orig: string, lower: string, T: Tokens, hits: CueHit[], cues: Float64Array): void {
  const add = (k: number, v = 1) => {
    cues[k] += v;
  };
  let exclaimRuns = 0;
  let capsWords = 0;
  // No capital letter at all (orig === lower): no word can shout, skip the per-word check.
  const sameCase = orig.length === lower.length && orig !== lower;
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
        if (upper && orig.charCodeAt(s) !== lower.charCodeAt(s) && isShouting(lower, T, k, orig)) {
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
        if (ex) add(CUE.exclaim);
        if (q) add(CUE.question);
        if (ex && e - s >= 2) {
          exclaimRuns++;
          if (q) add(CUE.interrobang);
          if (exclaimRuns === 1) hits.push({ cue: 'exclamation', kind: 'emphasis', start: s, end: e });
        }
        break;
      }
      case Tok.Emoticon: {
        if (NEG_EMOTICON_END.has(lower.charCodeAt(e - 1))) {
          add(CUE.neg_emoji);
          hits.push({ cue: 'negative_emoticon', kind: 'emoji', start: s, end: e });
        } else add(CUE.pos_emoji);
        break;
      }
      case Tok.Emoji: {
        const cp = lower.codePointAt(s) ?? 0;
        if (NEG_EMOJI.has(cp)) {
          add(CUE.neg_emoji);
          hits.push({ cue: 'negative_emoji', kind: 'emoji', start: s, end: e });
        } else if (POS_EMOJI.has(cp)) add(CUE.pos_emoji);
        break;
      }
      case Tok.User:
        add(CUE.has_user);
        break;
      case Tok.Url:
        add(CUE.has_url);
        break;
      case Tok.Pii:
        add(CUE.has_pii);
        break;
      default:
        break;
    }
  }
  if (exclaimRuns) add(CUE.exclaim_run, exclaimRuns);
  if (capsWords) add(CUE.caps_word, capsWords);
}

/** All-caps word of token k: shouting, or an acronym, code or currency (SWIFT, SEPA, GBP, PIN)? */
function isShouting(lower: string, T: Tokens, k: number, orig: string): boolean {
  const w = lower.slice(T.start[k], T.end[k]);
  if (DROP.has(w) || ACRONYMS.has(w)) return false;
  if (w.length >= 5 || SHOUT_SHORT.has(w)) return true;
  // Short words shout only inside a run of capitals ("I AM SO DONE"), not alone ("send it via DHL").
  const caps = (j: number) => j >= 0 && j < T.n && T.type[j] === Tok.Word && T.end[j] - T.start[j] >= 2
    && orig.slice(T.start[j], T.end[j]) !== lower.slice(T.start[j], T.end[j]) && orig.slice(T.start[j], T.end[j]) === orig.slice(T.start[j], T.end[j]).toUpperCase()
    && !ACRONYMS.has(lower.slice(T.start[j], T.end[j]));
  return caps(k - 1) || caps(k + 1);
}
