import { ComplaintIntent, Evidence, maskPersonalData } from '@cx/contracts';
import { EMOTION_DEFAULTS, EmotionConfig, EmotionConfigSchema } from './config';
import { Analysis, CUE, CueHit, FeatureBuffer, Tokens, analyse, cuePrior, featurize } from './features';
import { detectLanguage, normaliseLanguageHint } from './language';
import { CueInfo, Lang, compileExtraWords } from './lexicon';
import { CueMatcher } from './matcher';
import { EmotionModel, loadEmotionModel, logit, sigmoid } from './model';

export interface EmotionResult {
  /** Negative emotion present (the flag). */
  negative: boolean;
  /** Language the message was analysed as; null when unsupported or without text. */
  language: 'en' | 'de' | null;
  /** false for other languages, empty text and binary garbage (then `negative` is false). */
  supported: boolean;
  /** Model probability of "negative" (0..1). */
  score: number;
  /** The cues that fired, masked, at most `maxEvidence`, most telling first. */
  evidence: Evidence[];
  /** Complaint intents found by the cue rules (independent of the flag). */
  intents: ComplaintIntent[];
  /** The text was longer than `maxChars` and only its beginning was analysed. */
  truncated: boolean;
  /** Why the message was not analysed (only when `supported` is false). */
  reason?: 'empty' | 'binary' | 'unsupported_language';
}

export interface DetectOptions {
  /** Language hint ("de", "en-US", ...). Without it the language is detected from the text. */
  language?: string;
}

export interface EmotionDetector {
  detect(text: string, opts?: DetectOptions): EmotionResult;
  /** The effective configuration (defaults filled in). */
  readonly config: Readonly<Required<Omit<EmotionConfig, 'modelPath' | 'extraNegativeCues'>>> & Pick<EmotionConfig, 'extraNegativeCues'>;
}

export interface PreparedMessage {
  orig: string;
  lower: string;
  lang: Lang | null;
  truncated: boolean;
  reason?: EmotionResult['reason'];
}

/** Cut at `max` characters without splitting a surrogate pair. */
function truncate(text: string, max: number): string {
  let end = max;
  const c = text.charCodeAt(end - 1);
  if (c >= 0xd800 && c <= 0xdbff) end--;
  return text.slice(0, end);
}

/** Share of characters that are control codes, replacement characters or lone surrogates. */
function binaryRatio(s: string): number {
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
  if (s.length > maxChars) {
    s = truncate(s, maxChars);
    truncated = true;
  }
  if (!NON_SPACE.test(s)) return { orig: s, lower: '', lang: null, truncated, reason: 'empty' };
  if (binaryRatio(s) > 0.1) return { orig: s, lower: '', lang: null, truncated, reason: 'binary' };
  if (COMBINING.test(s)) s = s.normalize('NFC'); // "für" typed as f-u-U+0308-r must find the same cues
  const lower = s.toLowerCase();
  let orig = s;
  if (lower.length !== s.length) orig = lower; // rare case-mapping length change: keep offsets aligned
  if (hint && hint.trim()) {
    const h = normaliseLanguageHint(hint);
    if (h === 'other') return { orig, lower, lang: null, truncated, reason: 'unsupported_language' };
    return { orig, lower, lang: h, truncated };
  }
  const d = detectLanguage(lower);
  if (d === 'other') return { orig, lower, lang: null, truncated, reason: 'unsupported_language' };
  if (d === null) {
    // No letters: emoji-only messages are analysed (emoji are language-neutral), the rest is empty.
    if (HAS_EMOJI.test(s)) return { orig, lower, lang: 'en', truncated };
    return { orig, lower, lang: null, truncated, reason: 'empty' };
  }
  return { orig, lower, lang: d, truncated };
}

const KIND_RANK: Record<string, number> = {
  profanity: 0, contact_center: 1, tenant: 2, negation: 3, intensifier: 4, lexicon: 5, emoji: 6, emphasis: 7,
  intent: 8, contrast: 9, model: 10,
};

const NEGATOR_BEFORE = /(?<![\p{L}])(?:not|no|never|nothing|without|hardly|nicht|nie|niemals|kein\p{L}*|ohne|kaum|cannot|\p{L}*n[’']?t)(?![\p{L}])/gu;

function evidenceSpan(orig: string, h: CueHit): [number, number] {
  if (h.kind !== 'negation') return [h.start, h.end];
  // Show the negator with the negated word ("not happy", "nicht zufrieden").
  const from = Math.max(0, h.start - 32);
  const win = orig.slice(from, h.start).toLowerCase();
  NEGATOR_BEFORE.lastIndex = 0;
  let m: RegExpExecArray | null;
  let at = -1;
  while ((m = NEGATOR_BEFORE.exec(win)) !== null) at = m.index;
  if (at >= 0) return [from + at, h.end];
  // German postposed negation: "klappt nicht".
  const after = orig.slice(h.end, h.end + 20).match(/^\s+(?:\p{L}+\s+)?(?:nicht|nie|kaum)(?![\p{L}])/iu);
  return after ? [h.start, h.end + after[0].length] : [h.start, h.end];
}

function buildEvidence(orig: string, hits: CueHit[], negative: boolean, max: number): Evidence[] {
  const pool = negative ? hits.filter((h) => h.kind !== 'contrast') : hits.filter((h) => h.intent);
  const ranked = pool
    .map((h, i) => ({ h, i }))
    .sort((a, b) => (KIND_RANK[a.h.kind] ?? 20) - (KIND_RANK[b.h.kind] ?? 20) || a.i - b.i);
  const out: Evidence[] = [];
  const seen = new Set<string>();
  for (const { h } of ranked) {
    if (out.length >= max) break;
    const [start, end] = evidenceSpan(orig, h);
    let text = orig.slice(start, Math.min(end, start + 160));
    text = maskPersonalData(text);
    const key = `${h.cue}|${text.toLowerCase()}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ cue: h.cue, kind: h.kind, text, start, end });
  }
  return out;
}

/**
 * Create a detector. Loads the shipped model once (cached per process); all else is pure.
 * Throws only on an invalid configuration or a missing/corrupt model file (at start-up).
 */
export function createEmotionDetector(config: EmotionConfig = {}): EmotionDetector {
  const cfg = EmotionConfigSchema.parse(config);
  const model: EmotionModel = loadEmotionModel(cfg.modelPath);
  const threshold = cfg.threshold ?? model.threshold;
  const modelOnlyThreshold = Math.max(threshold, cfg.modelOnlyThreshold ?? EMOTION_DEFAULTS.modelOnlyThreshold);
  const maxChars = cfg.maxChars ?? EMOTION_DEFAULTS.maxChars;
  const maxEvidence = cfg.maxEvidence ?? EMOTION_DEFAULTS.maxEvidence;
  const extraCueWeight = cfg.extraCueWeight ?? EMOTION_DEFAULTS.extraCueWeight;
  const extra: Record<Lang, CueMatcher<CueInfo> | null> = {
    en: compileExtraWords(cfg.extraNegativeCues?.en ?? [], 'en'),
    de: compileExtraWords(cfg.extraNegativeCues?.de ?? [], 'de'),
  };
  const buf = new FeatureBuffer(4096);
  const tokens = new Tokens();

  function detect(text: string, opts?: DetectOptions): EmotionResult {
    const p = prepareMessage(text, opts?.language, maxChars);
    if (p.lang === null) {
      return {
        negative: false, language: null, supported: false, score: 0, evidence: [], intents: [],
        truncated: p.truncated, reason: p.reason,
      };
    }
    let a: Analysis;
    let z: number;
    try {
      a = analyse(p.orig, p.lower, p.lang, extra[p.lang], tokens);
      featurize(p.lower, a, model.space, buf);
      z = logit(model.weights, buf) + cuePrior(a, model.cuePrior);
    } catch {
      // Defensive: a regex or feature bug must never take the consumer down.
      return { negative: false, language: p.lang, supported: true, score: 0, evidence: [], intents: [], truncated: p.truncated };
    }
    if (a.cues[CUE.tenant]) z += extraCueWeight * a.cues[CUE.tenant];
    const score = sigmoid(z);
    const cueBacked = a.hits.some((h) => h.kind !== 'contrast');
    const negative = score >= threshold && (cueBacked || score >= modelOnlyThreshold);
    const rounded = Math.round(score * 10000) / 10000;
    return {
      negative,
      language: p.lang,
      supported: true,
      score: rounded,
      evidence: negative && !cueBacked
        ? [{ cue: 'model', kind: 'model', text: `overall wording (model ${rounded})` }]
        : buildEvidence(p.orig, a.hits, negative, maxEvidence),
      intents: a.intents as ComplaintIntent[],
      truncated: p.truncated,
    };
  }

  return {
    detect,
    config: { threshold, modelOnlyThreshold, maxChars, maxEvidence, extraCueWeight, extraNegativeCues: cfg.extraNegativeCues },
  };
}
