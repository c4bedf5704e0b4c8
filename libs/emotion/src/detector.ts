/**
 * The negative-emotion detector the services run (and eval:emotion measures): mask personal data,
 * analyse cues, score with the hashed logistic-regression model, gate the flag on evidence.
 * Pure apart from loading the model file once per path.
 */
import type { ComplaintIntent, Evidence, PlatformSentiment } from '@cx/contracts';
import { EMOTION_DEFAULTS, EmotionConfig, EmotionConfigSchema } from './config';
import { analyse } from './cue-analysis';
import { CUE, DotSink } from './feature-space';
import { cuePrior, scoreFeatures } from './featurizer';
import { Analysis, CueHit, Tokens } from './text-tokens';
import { isBacking, speaksForThemselves } from './cue-rules';
import { CueInfo, Lang, compileExtraWords } from './lexicon';
import { CueMatcher } from './matcher';
import { EmotionModel, loadEmotionModel, readEmotionModel, sigmoid } from './model';
import { prepareMessage } from './prepare-message';

export { prepareMessage } from './prepare-message';
export type { PreparedMessage } from './prepare-message';

export interface EmotionResult {
  /** Negative emotion present (the flag). */
  negative: boolean;
  /** Language the message was analysed as; null when unsupported or without text. */
  language: 'en' | 'de' | null;
  /** false for other languages, empty text and binary garbage (then `negative` is false). */
  supported: boolean;
  /** Model probability of "negative" (0..1), the platform's cue included. */
  score: number;
  /**
   * The cues that fired, at most `maxEvidence`, most telling first. Texts and offsets refer to the
   * masked message (personal data already replaced by [email], [phone], [iban], [card]).
   */
  evidence: Evidence[];
  /** Complaint intents found by the cue rules (tags, independent of the flag). */
  intents: ComplaintIntent[];
  /** The text was longer than `maxChars` and only its beginning was analysed. */
  truncated: boolean;
  /** Why the message was not analysed (only when `supported` is false). */
  reason?: 'empty' | 'binary' | 'unsupported_language';
}

export interface DetectOptions {
  /** Language hint ("de", "en-US", ...). Without it the language is detected from the text. */
  language?: string;
  /** The platform's own judgement (cx.message.v1 data.platformSentiment): one more cue, never the flag by itself. */
  platformSentiment?: PlatformSentiment;
}

export interface EmotionDetector {
  detect(text: string, opts?: DetectOptions): EmotionResult;
  /** The effective configuration (defaults filled in). */
  readonly config: Readonly<Required<Omit<EmotionConfig, 'modelPath' | 'extraNegativeCues'>>> & Pick<EmotionConfig, 'extraNegativeCues'>;
  /** Metadata of the model file this detector scores with (trainedOn, metrics, createdAt ...). */
  readonly model: EmotionModel['meta'];
}

/**
 * Log-odds the platform's own sentiment adds. A speech-analytics "negative" is a hint, not proof:
 * it can tip a message that has emotional evidence of its own, never flag one that has none.
 */
const PLATFORM_LOGIT: Record<PlatformSentiment, number> = { negative: 0.8, mixed: 0.3, neutral: -0.2, positive: -0.8 };
/** How sure the model must be to flag a reassuring message that has no emotional evidence. */
const CALM_MODEL_THRESHOLD = 0.95;

/**
 * A polite but final escalation is a flag whatever the wording's tone: a legal step or a final notice
 * together with a concrete problem (an intent tag, a problem word or a second escalation cue), or a
 * cancellation made a threat — written in the first person (news about a strike arbitration is not). "Ich habe meine Anwältin eingeschaltet wegen der doppelten Abbuchung."
 */
function isFinalEscalation(hits: CueHit[]): boolean {
  let escalation = 0;
  let problem = false;
  for (const h of hits) {
    if (h.cue === 'legal_threat' || h.cue === 'final_warning') escalation++;
    // A cancellation request only becomes this cue with a threat marker ("..., or I go elsewhere").
    else if (h.cue === 'cancellation_threat' && h.kind === 'contact_center') escalation += 2;
    else if (h.kind === 'intent' && h.cue !== 'cancellation') problem = true;
    else if (h.kind === 'fact' || h.kind === 'lexicon' || h.cue === 'still_waiting' || h.cue === 'repeat_contact' || h.cue === 'waiting_time') problem = true;
  }
  return escalation > 0 && (problem || escalation > 1);
}

const KIND_RANK: Record<string, number> = {
  model: -1, profanity: 0, contact_center: 1, sarcasm: 2, tenant: 2, negation: 3, intensifier: 4, lexicon: 5, fact: 5.5,
  emoji: 6, emphasis: 7, intent: 8, platform: 9, contrast: 10,
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
  // Most calm messages carry no intent tag: nothing to rank.
  if (hits.length === 0 || (!negative && !hits.some((h) => h.intent))) return [];
  const ranked = negative ? hits.filter((h) => h.kind !== 'contrast') : hits.filter((h) => h.intent);
  // Stable insertion sort by kind rank (a handful of hits): ties keep the text order.
  for (let i = 1; i < ranked.length; i++) {
    const x = ranked[i];
    const rx = KIND_RANK[x.kind] ?? 20;
    let j = i - 1;
    while (j >= 0 && (KIND_RANK[ranked[j].kind] ?? 20) > rx) {
      ranked[j + 1] = ranked[j];
      j--;
    }
    ranked[j + 1] = x;
  }
  const out: Evidence[] = [];
  const seen: string[] = [];
  for (const h of ranked) {
    if (out.length >= max) break;
    const [start, end] = evidenceSpan(orig, h);
    // `orig` is the masked text: a span can hold a placeholder, never a piece of personal data.
    const text = orig.slice(start, Math.min(end, start + 160));
    const key = `${h.cue}|${text.toLowerCase()}`;
    if (seen.includes(key)) continue;
    seen.push(key);
    out.push({ cue: h.cue, kind: h.kind, text, start, end });
  }
  return out;
}

/**
 * Create a detector with the shipped model (or `config.modelPath`, or `CX_EMOTION_MODEL`), loaded
 * once per path and process. Throws only on an invalid configuration or a missing/corrupt model file.
 */
export function createEmotionDetector(config: EmotionConfig = {}): EmotionDetector {
  const cfg = EmotionConfigSchema.parse(config);
  return detectorWithModel(loadEmotionModel(cfg.modelPath), cfg);
}

/**
 * Build a detector from a model file, read fresh from disk (no cache): what a service calls to load
 * a tenant's retrained model (`.models/tenants/<tenant>/emotion-model.json`) and again on reload.
 * Throws with the path when the file is missing or not a valid model.
 */
export function loadEmotionDetector(modelPath: string, config: EmotionConfig = {}): EmotionDetector {
  const cfg = EmotionConfigSchema.parse({ ...config, modelPath });
  return detectorWithModel(readEmotionModel(modelPath), cfg);
}

/** A detector over an already loaded model (the trainer evaluates candidates this way). */
export function detectorWithModel(model: EmotionModel, config: EmotionConfig = {}): EmotionDetector {
  const cfg = EmotionConfigSchema.parse(config);
  const threshold = cfg.threshold ?? model.threshold;
  const modelOnlyThreshold = Math.max(threshold, cfg.modelOnlyThreshold ?? EMOTION_DEFAULTS.modelOnlyThreshold);
  const factThreshold = Math.min(modelOnlyThreshold, Math.max(threshold, cfg.factThreshold ?? EMOTION_DEFAULTS.factThreshold));
  const maxChars = cfg.maxChars ?? EMOTION_DEFAULTS.maxChars;
  const maxEvidence = cfg.maxEvidence ?? EMOTION_DEFAULTS.maxEvidence;
  const extraCueWeight = cfg.extraCueWeight ?? EMOTION_DEFAULTS.extraCueWeight;
  const extra: Record<Lang, CueMatcher<CueInfo> | null> = {
    en: compileExtraWords(cfg.extraNegativeCues?.en ?? [], 'en'),
    de: compileExtraWords(cfg.extraNegativeCues?.de ?? [], 'de'),
  };
  const sink = new DotSink(model.servingWeights);
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
      a = analyse(p.orig, p.lower, p.lang, extra[p.lang], tokens, p.pii);
      z = scoreFeatures(p.lower, a, model.space, sink, model.servingWeights, model.servingScale) + cuePrior(a, model.cuePrior);
    } catch {
      // Defensive: a regex or feature bug must never take the consumer down.
      return { negative: false, language: p.lang, supported: true, score: 0, evidence: [], intents: [], truncated: p.truncated };
    }
    if (a.cues[CUE.tenant]) z += extraCueWeight * a.cues[CUE.tenant];
    const ps = opts?.platformSentiment;
    const zPlatform = ps ? z + (PLATFORM_LOGIT[ps] ?? 0) : z;
    const score = sigmoid(zPlatform);
    // A flag needs emotional evidence; problem words or intent tags alone need a surer model, and
    // no cue at all a very sure one. The platform's word tips the score but never stands in for evidence.
    const backed = a.hits.some(isBacking);
    const facts = !backed && a.hits.some((h) => h.kind === 'fact' || h.kind === 'intent');
    // A message that reassures ("kein Problem", "no complaints", "Danke, gelöst") without a "but" is
    // not flagged on the model's word.
    const calm = a.cues[CUE.contrast] === 0 && (a.cues[CUE.neg_negated] > 0 || a.cues[CUE.gratitude] > 0 || a.cues[CUE.resolved] > 0);
    const bar = facts ? factThreshold : calm ? Math.max(CALM_MODEL_THRESHOLD, modelOnlyThreshold) : modelOnlyThreshold;
    // Sarcastic thanks for a negative fact ("thanks for charging me twice") is a complaint whatever the
    // model says: the thanks are exactly what pulls a bag-of-words score down.
    const sarcastic = a.hits.some((h) => h.kind === 'sarcasm');
    const negative = (score >= threshold && (backed || sigmoid(z) >= bar)) || sarcastic
      || (isFinalEscalation(a.hits) && speaksForThemselves(p.lower, a.tokens));
    const rounded = Math.round(score * 10000) / 10000;
    let evidence: Evidence[];
    if (negative && !backed) {
      // Flagged on the model's word: say so first, then the problem words and tags it saw.
      evidence = [{ cue: 'model', kind: 'model', text: `overall wording (model ${rounded})` },
        ...buildEvidence(p.orig, a.hits, true, maxEvidence - 1)];
    } else evidence = buildEvidence(p.orig, a.hits, negative, maxEvidence);
    if (negative && (ps === 'negative' || ps === 'mixed') && evidence.length < maxEvidence) {
      evidence.push({ cue: 'platform_sentiment', kind: 'platform', text: `platform sentiment: ${ps}` });
    }
    return {
      negative,
      language: p.lang,
      supported: true,
      score: rounded,
      evidence,
      intents: a.intents as ComplaintIntent[],
      truncated: p.truncated,
    };
  }

  return {
    detect,
    config: { threshold, modelOnlyThreshold, factThreshold, maxChars, maxEvidence, extraCueWeight, extraNegativeCues: cfg.extraNegativeCues },
    model: model.meta,
  };
}
