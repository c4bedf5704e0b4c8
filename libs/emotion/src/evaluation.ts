/** Pure helpers for labelled data ({"text","lang","negative"} JSONL) and binary metrics. */

export interface LabelledMessage {
  text: string;
  lang: string;
  negative: boolean;
  /** Training weight against one development line (the trainer sets it per file; default 1). */
  weight?: number;
}

export class DataError extends Error {}

/** Parse JSONL content; throws DataError naming the line for anything malformed. Blank lines are skipped. */
export function parseLabelledJsonl(content: string, source = 'input'): LabelledMessage[] {
  const out: LabelledMessage[] = [];
  const lines = content.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (!line) continue;
    let o: unknown;
    try {
      o = JSON.parse(line);
    } catch (e) {
      throw new DataError(`${source}:${i + 1}: not valid JSON (${(e as Error).message})`);
    }
    if (!o || typeof o !== 'object' || Array.isArray(o)) throw new DataError(`${source}:${i + 1}: expected a JSON object`);
    const r = o as Record<string, unknown>;
    if (typeof r.text !== 'string') throw new DataError(`${source}:${i + 1}: "text" must be a string`);
    if (typeof r.negative !== 'boolean') throw new DataError(`${source}:${i + 1}: "negative" must be true or false`);
    if (r.lang !== undefined && r.lang !== null && typeof r.lang !== 'string') {
      throw new DataError(`${source}:${i + 1}: "lang" must be a string`);
    }
    out.push({ text: r.text, lang: typeof r.lang === 'string' ? r.lang : '', negative: r.negative });
  }
  if (out.length === 0) throw new DataError(`${source}: no labelled lines`);
  return out;
}

export interface BinaryMetrics {
  n: number;
  precision: number;
  recall: number;
  f1: number;
  mcc: number;
  tp: number;
  fp: number;
  tn: number;
  fn: number;
}

export class Confusion {
  tp = 0;
  fp = 0;
  tn = 0;
  fn = 0;
  add(predicted: boolean, actual: boolean): void {
    if (predicted && actual) this.tp++;
    else if (predicted) this.fp++;
    else if (actual) this.fn++;
    else this.tn++;
  }
  metrics(): BinaryMetrics {
    const { tp, fp, tn, fn } = this;
    const precision = tp + fp ? tp / (tp + fp) : 0;
    const recall = tp + fn ? tp / (tp + fn) : 0;
    const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
    const den = Math.sqrt((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn));
    const mcc = den ? (tp * tn - fp * fn) / den : 0;
    const r = (x: number) => Math.round(x * 10000) / 10000;
    return { n: tp + fp + tn + fn, precision: r(precision), recall: r(recall), f1: r(f1), mcc: r(mcc), tp, fp, tn, fn };
  }
}
