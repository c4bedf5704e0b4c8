/**
 * Measure one model on many labelled sets in one process (a model loads once, every set is scored
 * exactly as `eval:emotion` scores it), so a training change can be judged on ALL sets at a glance.
 *
 *   node -r @swc-node/register scripts/eval-emotion-sets.ts [--model m.json] [--json] FILE.jsonl...
 *
 * Prints one line per file: n, MCC, precision, recall, false-alarm rate fp/(fp+tn); --json prints
 * one JSON object per file instead. Development tool only: no service reads it.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Command } from 'commander';
import { createEmotionDetector, loadEmotionDetector } from '../libs/emotion/src';
import { Confusion, parseLabelledJsonl } from '../libs/emotion/src/evaluation';

function main(): void {
  const program = new Command()
    .name('eval-emotion-sets')
    .argument('<files...>', 'labelled JSONL files')
    .option('--model <file>', 'model file instead of the shipped one')
    .option('--json', 'one JSON object per file')
    .option('--config <json>', 'detector settings (EmotionConfig as inline JSON), e.g. \'{"threshold":0.55}\'');
  program.parse(process.argv);
  const o = program.opts<{ model?: string; json?: boolean; config?: string }>();
  const config = o.config ? JSON.parse(o.config) : {};
  const detector = o.model ? loadEmotionDetector(o.model, config) : createEmotionDetector(config);
  for (const f of program.args) {
    const data = parseLabelledJsonl(fs.readFileSync(f, 'utf8'), f);
    const c = new Confusion();
    for (const d of data) c.add(detector.detect(d.text, { language: d.lang || undefined }).negative, d.negative);
    const m = c.metrics();
    const far = m.fp + m.tn ? m.fp / (m.fp + m.tn) : 0;
    const name = path.basename(path.dirname(f)) + '/' + path.basename(f, '.jsonl');
    if (o.json) process.stdout.write(`${JSON.stringify({ file: name, ...m, falseAlarmRate: Math.round(far * 10000) / 10000 })}\n`);
    else {
      const p = (x: number) => x.toFixed(3);
      process.stdout.write(`${name.padEnd(40)} n=${String(m.n).padStart(5)} mcc=${p(m.mcc)} prec=${p(m.precision)} rec=${p(m.recall)} fa=${(far * 100).toFixed(1)}%\n`);
    }
  }
}

main();
