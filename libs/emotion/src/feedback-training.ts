/**
 * Retraining from supervisors' feedback (docs/contract.md, Emotion detection), the pure part: turn a tenant's
 * FeedbackLabel records into weighted training lines, hold some back, train on base data plus the
 * rest, and decide whether the candidate may replace the tenant's current model (only if it is not
 * worse). No I/O: scripts/train-emotion.ts reads Redis and writes the file.
 */
import { createHash } from 'crypto';
import type { FeedbackLabel } from '../../contracts/src/feedback';
import { detectorWithModel, type EmotionDetector } from './detector';
import { Confusion, type LabelledMessage } from './evaluation';
import { EmotionModel, EmotionModelFile, MODEL_FORMAT, MODEL_VERSION, encodeWeights, modelFromFile } from './model';
import { DEFAULT_TRAIN_OPTIONS, TrainOptions, createFeatureSpace, trainLogReg, vectorise } from './train';

export interface FeedbackTrainingOptions {
  /** Weight of one feedback label relative to one base line (default 10). */
  feedbackWeight: number;
  /** Share of labels held back for the comparison (default 0.2; at least one label once there are two). */
  holdBack: number;
  /** Largest drop in base-data MCC (per language) still counted as "not worse" (default 0.02). */
  baseTolerance: number;
  train: TrainOptions;
  threshold: number;
}

export const DEFAULT_FEEDBACK_OPTIONS: FeedbackTrainingOptions = {
  feedbackWeight: 10, holdBack: 0.2, baseTolerance: 0.02, train: DEFAULT_TRAIN_OPTIONS, threshold: 0.5,
};

/** One label as a training line; `wrong_intent` keeps the flag (only the reason was wrong). */
export function labelToLine(l: FeedbackLabel): LabelledMessage {
  return { text: l.text, lang: l.language ?? '', negative: l.verdict === 'missed' ? true : l.verdict === 'not_negative' ? false : l.negative };
}

function labelKey(l: FeedbackLabel): string {
  return createHash('sha256').update(`${l.escalationId}\u0000${l.messageId ?? ''}\u0000${l.text}`).digest('hex');
}

/**
 * The newest verdict per message wins (a supervisor may correct a colleague); labels of other
 * tenants are ignored. Then a deterministic split: labels sorted by a hash of their identity, the
 * first `holdBack` share held back, so a rerun holds back the same labels.
 */
export function splitLabels(labels: FeedbackLabel[], tenant: string, holdBack: number): { train: FeedbackLabel[]; held: FeedbackLabel[] } {
  const newest = new Map<string, FeedbackLabel>();
  for (const l of labels) {
    if (l.tenant !== tenant) continue;
    const id = `${l.escalationId}\u0000${l.messageId ?? l.text}`;
    const prev = newest.get(id);
    if (!prev || Date.parse(l.at) > Date.parse(prev.at)) newest.set(id, l);
  }
  const all = [...newest.values()].map((l) => ({ l, k: labelKey(l) })).sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0));
  let n = Math.floor(all.length * holdBack);
  if (n === 0 && all.length >= 2 && holdBack > 0) n = 1;
  return { held: all.slice(0, n).map((x) => x.l), train: all.slice(n).map((x) => x.l) };
}

/** Train a model file on base lines plus feedback lines (each weighing `feedbackWeight`). */
export function trainWithFeedback(base: LabelledMessage[], feedback: LabelledMessage[], o: FeedbackTrainingOptions, meta: Partial<EmotionModelFile> = {}): EmotionModelFile {
  const space = createFeatureSpace(o.train.dimBits);
  const ex = [...vectorise(base, space, o.train.cuePrior), ...vectorise(feedback, space, o.train.cuePrior, o.feedbackWeight)];
  if (ex.length < 10) throw new Error('need at least 10 messages in a supported language (en, de) to train');
  const w = trainLogReg(ex, o.train);
  return {
    format: MODEL_FORMAT, version: MODEL_VERSION, dimBits: o.train.dimBits, threshold: o.threshold, cuePrior: o.train.cuePrior,
    createdAt: new Date().toISOString(), ...meta, weights: encodeWeights(w),
  };
}

export interface ModelScore {
  /** Held-back labels the detector gets right (its flag equals the label's verdict). */
  heldCorrect: number;
  heldTotal: number;
  /** MCC per language on the base data. */
  base: Record<string, number>;
}

/** Score a model exactly as the service runs it (the detector, with its evidence gates). */
export function scoreModel(model: EmotionModel, held: LabelledMessage[], base: LabelledMessage[]): ModelScore {
  const d: EmotionDetector = detectorWithModel(model);
  let heldCorrect = 0;
  for (const m of held) if (d.detect(m.text, { language: m.lang || undefined }).negative === m.negative) heldCorrect++;
  const by = new Map<string, Confusion>();
  for (const m of base) {
    const r = d.detect(m.text, { language: m.lang || undefined });
    const l = r.language ?? m.lang;
    if (!by.has(l)) by.set(l, new Confusion());
    by.get(l)!.add(r.negative, m.negative);
  }
  const baseMcc: Record<string, number> = {};
  for (const [l, c] of [...by.entries()].sort()) baseMcc[l] = c.metrics().mcc;
  return { heldCorrect, heldTotal: held.length, base: baseMcc };
}

export interface GateDecision {
  write: boolean;
  reason: string;
}

/**
 * "Not worse": at least as many held-back labels right as the current model, and on the base data
 * no language's MCC more than `tolerance` below the current model's.
 */
export function gate(candidate: ModelScore, current: ModelScore, tolerance: number): GateDecision {
  if (candidate.heldCorrect < current.heldCorrect) {
    return { write: false, reason: `worse on held-back labels (${candidate.heldCorrect} vs ${current.heldCorrect} of ${candidate.heldTotal} right)` };
  }
  for (const [l, mcc] of Object.entries(current.base)) {
    const c = candidate.base[l] ?? 0;
    if (c < mcc - tolerance) return { write: false, reason: `worse on base data (${l} MCC ${c} vs ${mcc}, tolerance ${tolerance})` };
  }
  return { write: true, reason: `not worse: ${candidate.heldCorrect}/${candidate.heldTotal} held-back labels right (current ${current.heldCorrect}), base MCC within ${tolerance}` };
}

/** The whole pure step: split, train, score both, decide. */
export function retrainFromFeedback(args: {
  tenant: string; labels: FeedbackLabel[]; base: LabelledMessage[]; current: EmotionModel; options?: Partial<FeedbackTrainingOptions>;
  meta?: Partial<EmotionModelFile>;
}): { file: EmotionModelFile; candidate: ModelScore; current: ModelScore; decision: GateDecision; trainLabels: number; heldBack: number } {
  const o = { ...DEFAULT_FEEDBACK_OPTIONS, ...args.options };
  const { train, held } = splitLabels(args.labels, args.tenant, o.holdBack);
  if (train.length === 0) throw new Error(`no feedback labels for tenant ${args.tenant} to train on`);
  const heldLines = held.map(labelToLine);
  const file = trainWithFeedback(args.base, train.map(labelToLine), o, {
    ...args.meta, trainedOn: { tenant: args.tenant, feedbackLabels: train.length, heldBack: held.length, feedbackWeight: o.feedbackWeight, base: args.base.length },
  });
  const candidate = scoreModel(modelFromFile(file), heldLines, args.base);
  const current = scoreModel(args.current, heldLines, args.base);
  file.metrics = { heldBack: { correct: candidate.heldCorrect, total: candidate.heldTotal }, baseMcc: candidate.base };
  return { file, candidate, current, decision: gate(candidate, current, o.baseTolerance), trainLabels: train.length, heldBack: held.length };
}
