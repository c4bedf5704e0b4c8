/**
 * Normalisation shared by the detector and the trainer, so training and serving see the same text:
 * truncate, reject binary, mask personal data FIRST (everything after, cues, features and evidence,
 * reads the masked text, so no piece of an e-mail, phone, IBAN or card can be a cue or evidence),
 * NFC, lower-case, language.
 */
import { maskPersonalData, placeholderSpans } from '@cx/contracts';
import { detectLanguage, normaliseLanguageHint } from './language';
import type { Lang } from './lexicon';

export interface PreparedMessage {
  /** The masked (and truncated, NFC) text: the only text anything downstream may quote. */
  orig: string;
  lower: string;
  lang: Lang | null;
  truncated: boolean;
  reason?: 'empty' | 'binary' | 'unsupported_language';
  /** [start, end) pairs of the placeholders in `orig` (empty when nothing was masked). */
  pii: number[];
}

const NO_PII: number[] = [];
/** Longest personal-data item the masking must see whole at the truncation boundary (an e-mail address). */
const PII_MAX = 256;

/** Cut at `max` characters without splitting a surrogate pair. */
function truncate(text: string, max: number): string {
  let end = max;
  const c = text.charCodeAt(end - 1);
  if (c >= 0xd800 && c <= 0xdbff) end--;
  return text.slice(0, end);
}

/** Any character binaryRatio counts, or a surrogate (to be checked for pairing): one native scan. */
const MAYBE_BINARY = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\ufffd\ud800-\udfff]/;

/** Share of characters that are control codes, replacement characters or lone surrogates. */
function binaryRatio(s: string): number {
  // Most messages hold none of these: the regex scan is native, the loop below is not.
  if (!MAYBE_BINARY.test(s.length > 2000 ? s.slice(0, 2000) : s)) return 0;
  let bad = 0;
  const n = Math.min(s.length, 2000);
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if ((c < 32 && c !== 9 && c !== 10 && c !== 13) || (c >= 0x7f && c <= 0x9f) || c === 0xfffd) bad++;
    else if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
      else bad++;
    } else if (c >= 0xdc00 && c <= 0xdfff) bad++;
  }
  return n === 0 ? 0 : bad / n;
}

const NON_SPACE = /\S/;
/** Combining diacritics: text in decomposed form (NFD, e.g. "u" + U+0308 from some mail clients). */
const COMBINING = /[\u0300-\u036f]/;
const HAS_EMOJI = /\p{Extended_Pictographic}|[:;=]-?[()\[\]dDpP\/\\|]/u;

/** Normalisation shared by the detector and the training script. */
export function prepareMessage(text: unknown, hint: string | undefined, maxChars: number): PreparedMessage {
  let s = typeof text === 'string' ? text : '';
  let truncated = false;
  // NFC first ("für" typed as f-u-U+0308-r must find the same cues, and "mu\u0308ller@..." must be
  // masked whole), then mask, then cut: an address at the boundary is never left half-masked.
  if (s.length > maxChars) {
    s = s.slice(0, maxChars + PII_MAX);
    truncated = true;
  }
  if (COMBINING.test(s)) s = s.normalize('NFC');
  s = maskPersonalData(s);
  if (s.length > maxChars) s = truncate(s, maxChars);
  const pii = s.indexOf('[') >= 0 ? placeholderSpans(s) : NO_PII;
  if (!NON_SPACE.test(s)) return { orig: s, lower: '', lang: null, truncated, reason: 'empty', pii };
  if (binaryRatio(s) > 0.1) return { orig: s, lower: '', lang: null, truncated, reason: 'binary', pii };
  return finish(s, hint, truncated, pii);
}

function finish(s: string, hint: string | undefined, truncated: boolean, pii: number[]): PreparedMessage {
  const lower = s.toLowerCase();
  let orig = s;
  if (lower.length !== s.length) {
    orig = lower; // rare case-mapping length change: keep offsets aligned
    pii = lower.indexOf('[') >= 0 ? placeholderSpans(lower) : NO_PII;
  }
  if (hint && hint.trim()) {
    const h = normaliseLanguageHint(hint);
    if (h === 'other') return { orig, lower, lang: null, truncated, reason: 'unsupported_language', pii };
    return { orig, lower, lang: h, truncated, pii };
  }
  const d = detectLanguage(lower);
  if (d === 'other') return { orig, lower, lang: null, truncated, reason: 'unsupported_language', pii };
  if (d === null) {
    // No letters: emoji-only messages are analysed (emoji are language-neutral), the rest is empty.
    if (HAS_EMOJI.test(s)) return { orig, lower, lang: 'en', truncated, pii };
    return { orig, lower, lang: null, truncated, reason: 'empty', pii };
  }
  return { orig, lower, lang: d, truncated, pii };
}

