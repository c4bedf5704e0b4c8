/**
 * Train the negative-emotion model (hashed logistic regression + cue features) and write the
 * model file the detector loads.
 *
 *   npm run train:emotion                                   # default: the two dev sets, 5-fold CV
 *   npm run train:emotion -- --data mine.jsonl [--out path] # retrain on your own labelled data
 *   npm run train:emotion -- --data a.jsonl b.jsonl@0.5      # FILE@W: each line of b weighs half a line
 *   npm run train:emotion -- --feedback --tenant acme      # + that tenant's feedback labels (Redis), gated write
 *
 * Input lines: {"text": string, "lang": "en"|"de", "negative": boolean} (lang may be omitted:
 * then it is detected). The script first reports k-fold cross-validated metrics per language
 * (the honest figure: every message is scored by a model that never saw it), then trains on all
 * data and writes the model. A JSON summary goes to stdout, progress to stderr.
 */
import * as fs from 'fs';
import * as path from 'path';
import { devDataFiles } from '../libs/emotion/src/dev-data';
import { Command } from 'commander';
import { Confusion, DataError, LabelledMessage, parseLabelledJsonl } from '../libs/emotion/src/evaluation';
import {
  DEFAULT_TRAIN_OPTIONS, TrainOptions, createFeatureSpace, mulberry32, predict, shuffle, stratifiedFolds, trainLogReg, vectorise,
} from '../libs/emotion/src/train';
import { DEFAULT_MODEL_FILE, EmotionModelFile, MODEL_FORMAT, MODEL_VERSION, encodeWeights } from '../libs/emotion/src/model';
import { DEFAULT_FEEDBACK_OPTIONS } from '../libs/emotion/src/feedback-training';
import { runFeedbackTraining } from './train-emotion-feedback';

const ROOT = path.resolve(__dirname, '..');
/** The shipped model's data: the development sets plus libs/emotion/data (see libs/emotion/README.md). */
const EXTRA_DIR = path.resolve(ROOT, 'libs', 'emotion', 'data');
const DEFAULT_DATA = [...devDataFiles(ROOT), ...fs.readdirSync(EXTRA_DIR).filter((f) => f.endsWith('.jsonl')).sort().map((f) => path.join(EXTRA_DIR, f))];
/**
 * Weight of one line of a shipped extra file against one development line (libs/emotion/README.md,
 * "Data"): sources from another domain than contact-center complaints count less, so they widen the
 * vocabulary without outvoting the complaint data.
 */
const DEFAULT_WEIGHTS: Record<string, number> = JSON.parse(fs.readFileSync(path.join(EXTRA_DIR, 'weights.json'), 'utf8'));
const DEFAULT_OUT = path.resolve(ROOT, 'libs', 'emotion', 'model', DEFAULT_MODEL_FILE);

function fail(msg: string): never {
  process.stderr.write(`train-emotion: ${msg}\n`);
  process.exit(2);
}

/** Stratified (language x label), seeded split: the same messages are held out on every run. */
function holdoutSplit(data: LabelledMessage[], frac: number, seed: number): { train: LabelledMessage[]; held: LabelledMessage[] } {
  const groups = new Map<string, number[]>();
  data.forEach((d, i) => {
    const key = `${d.lang}:${d.negative}`;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key)!.push(i);
  });
  const rnd = mulberry32(seed ^ 0x5eed);
  const isHeld = new Uint8Array(data.length);
  for (const key of [...groups.keys()].sort()) {
    const ids = shuffle(groups.get(key)!, rnd);
    for (let k = 0; k < Math.round(ids.length * frac); k++) isHeld[ids[k]] = 1;
  }
  return { train: data.filter((_, i) => !isHeld[i]), held: data.filter((_, i) => isHeld[i]) };
}

function main(): void {
  const program = new Command()
    .name('train-emotion')
    .option('--data <files...>', 'labelled JSONL file(s)')
    .option('--out <path>', 'model file to write', DEFAULT_OUT)
    .option('--folds <k>', 'cross-validation folds (0 = skip)', '5')
    .option('--dim-bits <n>', 'hash space size as a power of two', String(DEFAULT_TRAIN_OPTIONS.dimBits))
    .option('--epochs <n>', 'passes over the data', String(DEFAULT_TRAIN_OPTIONS.epochs))
    .option('--nb-alpha <x>', 'naive-Bayes feature scaling with this smoothing (0 = off)', String(DEFAULT_TRAIN_OPTIONS.nbAlpha ?? 0))
    .option('--orders <k>', 'average the weights of k models trained on different data orders', String(DEFAULT_TRAIN_OPTIONS.orders ?? 1))
    .option('--lr <x>', 'AdaGrad learning rate', String(DEFAULT_TRAIN_OPTIONS.learningRate))
    .option('--l2 <x>', 'L2 regularisation', String(DEFAULT_TRAIN_OPTIONS.l2))
    .option('--threshold <p>', 'decision threshold stored in the model', '0.5')
    .option('--no-balance', 'do not balance classes per language')
    .option('--lang-balance <a>', 'language weighting: 0 = by message count, 1 = every language the same total weight', String(DEFAULT_TRAIN_OPTIONS.langBalance))
    .option('--cue-prior <x>', 'scale of the built-in contact-center cue prior (0 = off)', String(DEFAULT_TRAIN_OPTIONS.cuePrior))
    .option('--repeats <n>', 'repeat the cross-validation with this many different fold seeds (mean MCC reported)', '1')
    .option('--holdout <frac>', 'put this share of each language/label aside (seeded), never train on it', '0')
    .option('--holdout-out <file>', 'write the held-out lines here (evaluate them with eval:emotion and the written model)')
    .option('--no-write', 'only cross-validate, write no model')
    .option('--feedback', "retrain one tenant's model on the base data plus its feedback labels in Redis (needs --tenant)")
    .option('--tenant <id>', 'tenant whose feedback labels to train on (with --feedback)')
    .option('--feedback-weight <w>', 'weight of one feedback label against one base line', String(DEFAULT_FEEDBACK_OPTIONS.feedbackWeight))
    .option('--dry-run', 'with --feedback: train and compare, but write nothing')
    .exitOverride((e) => fail(e.message));
  program.parse(process.argv);
  const o = program.opts();

  const specs: string[] = (o.data as string[] | undefined)?.flatMap((f) => f.split(',')).filter(Boolean) ?? DEFAULT_DATA;
  // FILE@W: every line of FILE weighs W development lines (default: data/weights.json, else 1).
  const files: string[] = [];
  const data: LabelledMessage[] = [];
  for (const spec of specs) {
    const at = spec.lastIndexOf('@');
    const f = at > 0 && /^\d*\.?\d+$/.test(spec.slice(at + 1)) ? spec.slice(0, at) : spec;
    const w = f === spec ? DEFAULT_WEIGHTS[path.basename(f)] ?? 1 : Number(spec.slice(at + 1));
    if (!(w > 0)) fail(`weight of ${f} must be above 0`);
    files.push(f);
    let content: string;
    try {
      content = fs.readFileSync(f, 'utf8');
    } catch (e) {
      fail(`cannot read ${f}: ${(e as Error).message}`);
    }
    try {
      for (const m of parseLabelledJsonl(content, f)) {
        data.push(w === 1 ? m : { ...m, weight: w });
      }
    } catch (e) {
      if (e instanceof DataError) fail(e.message);
      throw e;
    }
  }
  const num = (v: string, name: string) => {
    const n = Number(v);
    if (!Number.isFinite(n)) fail(`--${name} must be a number`);
    return n;
  };
  const opts: TrainOptions = {
    ...DEFAULT_TRAIN_OPTIONS,
    dimBits: num(o.dimBits, 'dim-bits'),
    epochs: num(o.epochs, 'epochs'),
    nbAlpha: num(o.nbAlpha, 'nb-alpha'),
    orders: num(o.orders, 'orders'),
    learningRate: num(o.lr, 'lr'),
    l2: num(o.l2, 'l2'),
    balance: o.balance !== false,
    langBalance: num(o.langBalance, 'lang-balance'),
    cuePrior: num(o.cuePrior, 'cue-prior'),
  };
  if (opts.dimBits < 10 || opts.dimBits > 22) fail('--dim-bits must be between 10 and 22');
  const threshold = num(o.threshold, 'threshold');
  if (o.feedback) {
    if (!o.tenant) fail('--feedback needs --tenant');
    runFeedbackTraining({
      tenant: o.tenant, base: data, baseFiles: files, env: process.env, repoRoot: ROOT, dryRun: !!o.dryRun,
      options: { feedbackWeight: num(o.feedbackWeight, 'feedback-weight'), train: opts, threshold },
    }).then((r) => process.stdout.write(`${JSON.stringify(r)}\n`), (e: Error) => fail(e.message));
    return;
  }
  const folds = num(o.folds, 'folds');

  const holdout = num(o.holdout, 'holdout');
  let trainData = data;
  if (holdout > 0) {
    if (holdout >= 1) fail('--holdout must be below 1');
    const { train, held } = holdoutSplit(data, holdout, opts.seed);
    trainData = train;
    if (o.holdoutOut) fs.writeFileSync(o.holdoutOut, held.map((d) => JSON.stringify(d)).join('\n') + '\n');
    process.stderr.write(`held out ${held.length} of ${data.length} messages${o.holdoutOut ? ` -> ${o.holdoutOut}` : ''}\n`);
  }
  const space = createFeatureSpace(opts.dimBits);
  const t0 = Date.now();
  const ex = vectorise(trainData, space, opts.cuePrior);
  process.stderr.write(`vectorised ${ex.length}/${data.length} messages in ${Date.now() - t0} ms\n`);
  if (ex.length < 10) fail('need at least 10 messages in a supported language (en, de)');

  const summary: Record<string, unknown> = {
    n: ex.length, files: files.map((f) => path.basename(f)), options: opts, threshold, ...(holdout > 0 ? { holdout } : {}),
  };

  if (folds >= 2) {
    const fold = stratifiedFolds(ex, folds, opts.seed);
    const oof = new Float64Array(ex.length);
    for (let k = 0; k < folds; k++) {
      const train = ex.filter((_, i) => fold[i] !== k);
      const w = trainLogReg(train, opts);
      ex.forEach((e, i) => {
        if (fold[i] === k) oof[i] = predict(w, e);
      });
      process.stderr.write(`fold ${k + 1}/${folds} done\n`);
    }
    const cv: Record<string, unknown> = {};
    const all = new Confusion();
    const byLang = new Map<string, Confusion>();
    ex.forEach((e, i) => {
      const pred = oof[i] >= threshold;
      all.add(pred, e.y === 1);
      if (!byLang.has(e.lang)) byLang.set(e.lang, new Confusion());
      byLang.get(e.lang)!.add(pred, e.y === 1);
    });
    cv.all = all.metrics();
    for (const [l, c] of [...byLang.entries()].sort()) cv[l] = c.metrics();
    summary.crossValidated = { folds, threshold, ...cv };
    // Threshold sweep on the out-of-fold scores (to stderr; informative only, not used to pick anything).
    const sweep: string[] = [];
    for (const t of [0.4, 0.45, 0.5, 0.55, 0.6]) {
      const m = new Map<string, Confusion>();
      ex.forEach((e, i) => {
        if (!m.has(e.lang)) m.set(e.lang, new Confusion());
        m.get(e.lang)!.add(oof[i] >= t, e.y === 1);
      });
      sweep.push(`t=${t} ${[...m.entries()].map(([l, c]) => `${l}:${c.metrics().mcc}`).join(' ')}`);
    }
    process.stderr.write(`cross-validated MCC by threshold: ${sweep.join(' | ')}\n`);
    const repeats = num(o.repeats, 'repeats');
    if (repeats > 1) {
      // Same CV with other fold seeds: the spread shows how much of a difference is noise.
      const per = new Map<string, number[]>();
      for (let r = 0; r < repeats; r++) {
        const f2 = r === 0 ? fold : stratifiedFolds(ex, folds, opts.seed + 1000 * r);
        const sc = new Float64Array(ex.length);
        for (let k = 0; k < folds; k++) {
          const w = trainLogReg(ex.filter((_, i) => f2[i] !== k), { ...opts, seed: opts.seed + r });
          ex.forEach((e, i) => {
            if (f2[i] === k) sc[i] = predict(w, e);
          });
        }
        const m = new Map<string, Confusion>();
        ex.forEach((e, i) => {
          if (!m.has(e.lang)) m.set(e.lang, new Confusion());
          m.get(e.lang)!.add(sc[i] >= threshold, e.y === 1);
        });
        for (const [l, c] of m) per.set(l, [...(per.get(l) ?? []), c.metrics().mcc]);
      }
      const stats = Object.fromEntries([...per.entries()].sort().map(([l, v]) => {
        const mean = v.reduce((x, y) => x + y, 0) / v.length;
        const sd = Math.sqrt(v.reduce((x, y) => x + (y - mean) ** 2, 0) / Math.max(1, v.length - 1));
        return [l, { meanMcc: Math.round(mean * 10000) / 10000, sd: Math.round(sd * 10000) / 10000, runs: v }];
      }));
      summary.repeatedCv = { repeats, folds, ...stats };
    }
  }

  if (o.write !== false) {
    const w = trainLogReg(ex, opts);
    const inSample: Record<string, unknown> = {};
    const byLang = new Map<string, Confusion>();
    ex.forEach((e) => {
      if (!byLang.has(e.lang)) byLang.set(e.lang, new Confusion());
      byLang.get(e.lang)!.add(predict(w, e) >= threshold, e.y === 1);
    });
    for (const [l, c] of [...byLang.entries()].sort()) inSample[l] = c.metrics();
    summary.inSample = inSample;
    const file: EmotionModelFile = {
      format: MODEL_FORMAT,
      version: MODEL_VERSION,
      dimBits: opts.dimBits,
      threshold,
      cuePrior: opts.cuePrior,
      createdAt: new Date().toISOString(),
      trainedOn: { files: files.map((f) => path.basename(f)), n: ex.length, options: opts, ...(holdout > 0 ? { heldOut: holdout } : {}) },
      metrics: { crossValidated: summary.crossValidated, inSample },
      licence: files.some((f) => DEFAULT_DATA.includes(path.resolve(f)))
        ? 'Weights derived from Twitter US Airline Sentiment (CC BY-NC-SA 4.0), GermEval 2017 dev (research use), '
          + 'banking77 (CC BY 4.0), CLINC150 (CC BY 3.0), UCI sentiment labelled sentences, IMDB part (CC BY 4.0), PotTS (MIT) and '
          + 'filmstarts reviews (research use): non-commercial terms apply (libs/emotion/README.md).'
        : 'Weights derived from user-supplied data.',
      weights: encodeWeights(w),
    };
    fs.mkdirSync(path.dirname(path.resolve(o.out)), { recursive: true });
    fs.writeFileSync(o.out, JSON.stringify(file));
    summary.out = path.relative(process.cwd(), path.resolve(o.out));
  }
  process.stdout.write(`${JSON.stringify(summary)}\n`);
}

main();
