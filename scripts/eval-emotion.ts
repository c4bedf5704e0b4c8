/**
 * docs/contract.md (Emotion detection) evaluate the negative-emotion detector the services use.
 *
 *   npm run --silent eval:emotion -- --data FILE.jsonl [--detect-language]
 *
 * Reads {"text","lang","negative"} lines and prints ONE JSON object to stdout:
 * {"n","tp","fp","tn","fn","precision","recall","f1","mcc","msgsPerSec","byLang":{"en":{...},"de":{...}}}
 * (the counts make a false-alarm rate readable directly: fp / (fp + tn)).
 * The detector is `createEmotionDetector()` with the shipped model, called as the service calls
 * it: the line's `lang` is passed as the language hint (like `data.language` of a
 * cx.message.v1 event); with --detect-language it is ignored and detected from the text.
 * Lines in an unsupported language count as "not negative". Bad input: message on stderr, exit 2.
 */
import * as fs from 'fs';
import { Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import { createEmotionDetector, loadEmotionDetector } from '../libs/emotion/src';
import { Confusion, DataError, LabelledMessage, parseLabelledJsonl } from '../libs/emotion/src/evaluation';

function fail(msg: string): never {
  process.stderr.write(`eval-emotion: ${msg}\n`);
  process.exit(2);
}

function main(): void {
  const program = new Command()
    .name('eval-emotion')
    .requiredOption('--data <file>', 'labelled JSONL file')
    .option('--detect-language', 'ignore the "lang" field and detect the language')
    .option('--errors', 'also list the misclassified lines and the accuracy per language on stderr')
    .option('--model <file>', 'model file instead of the shipped one (as CX_EMOTION_MODEL)')
    .option('--config <file>', "a tenant's detector settings (EmotionConfig, JSON or YAML) to evaluate")
    .exitOverride((e) => fail(e.message));
  program.parse(process.argv);
  const o = program.opts<{ data: string; detectLanguage?: boolean; errors?: boolean; model?: string; config?: string }>();

  let content: string;
  try {
    content = fs.readFileSync(o.data, 'utf8');
  } catch (e) {
    fail(`cannot read ${o.data}: ${(e as Error).message}`);
  }
  let data: LabelledMessage[];
  try {
    data = parseLabelledJsonl(content, o.data);
  } catch (e) {
    if (e instanceof DataError) fail(e.message);
    throw e;
  }

  let detector;
  try {
    const config = o.config ? (parseYaml(fs.readFileSync(o.config, 'utf8')) ?? {}) : {};
    detector = o.model ? loadEmotionDetector(o.model, config) : createEmotionDetector(config);
  } catch (e) {
    fail((e as Error).message);
  }
  // Warm the JIT up on a few lines so msgsPerSec reflects the steady state of a running service.
  for (let i = 0; i < Math.min(200, data.length); i++) detector.detect(data[i].text, { language: data[i].lang || undefined });
  const preds = new Array<boolean>(data.length);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < data.length; i++) {
    const d = data[i];
    preds[i] = detector.detect(d.text, o.detectLanguage ? undefined : { language: d.lang || undefined }).negative;
  }
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;

  const all = new Confusion();
  const byLang = new Map<string, Confusion>();
  data.forEach((d, i) => {
    all.add(preds[i], d.negative);
    const l = d.lang || 'unknown';
    if (!byLang.has(l)) byLang.set(l, new Confusion());
    byLang.get(l)!.add(preds[i], d.negative);
  });
  const strip = (c: Confusion) => {
    const { n, tp, fp, tn, fn, precision, recall, f1, mcc } = c.metrics();
    return { n, tp, fp, tn, fn, precision, recall, f1, mcc };
  };
  const out = {
    ...strip(all),
    msgsPerSec: Math.round(data.length / Math.max(secs, 1e-9)),
    byLang: Object.fromEntries([...byLang.entries()].sort().map(([l, c]) => [l, strip(c)])),
  };
  if (o.errors) {
    data.forEach((d, i) => {
      if (preds[i] !== d.negative) process.stderr.write(`${d.negative ? 'missed ' : 'false  '} [${d.lang}] ${d.text.slice(0, 160)}\n`);
    });
    for (const [l, c] of [...byLang.entries()].sort()) {
      const m = c.metrics();
      process.stderr.write(`accuracy ${l}: ${((m.tp + m.tn) / m.n).toFixed(3)} (${m.tp + m.tn}/${m.n})\n`);
    }
  }
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

main();
