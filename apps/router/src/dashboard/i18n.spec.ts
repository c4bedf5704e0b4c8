import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ACTIONS } from '@cx/routing';
import { ReasonCode, ComplaintIntent } from '@cx/contracts';

/** The console's dictionaries are browser ES modules; read them as data (`export default {...}`). */
function dict(file: string): Record<string, string> {
  const src = readFileSync(join(__dirname, file), 'utf8').replace(/^\/\/.*$/m, '').replace('export default', 'return');
  return new Function(src)() as Record<string, string>;
}

describe('console texts', () => {
  const en = dict('i18n-en.js');
  const de = dict('i18n-de.js');

  it('has every key in both languages, with the same placeholders', () => {
    expect(Object.keys(de).sort()).toEqual(Object.keys(en).sort());
    const vars = (s: string) => (s.match(/\{\w+\}/g) ?? []).sort();
    for (const k of Object.keys(en)) expect({ k, vars: vars(de[k]) }).toEqual({ k, vars: vars(en[k]) });
  });

  it('translates every suggested action, reason code and complaint intent the router sends', () => {
    for (const [id, text] of Object.entries(ACTIONS)) {
      expect(en[`act.${id}`]).toBe(text); // the English text is the router's own
      expect(de[`act.${id}`]).toBeTruthy();
    }
    for (const code of ReasonCode.options) expect(de[`reason.${code}`]).toBeTruthy();
    for (const intent of ComplaintIntent.options) expect(de[`intent.${intent}`]).toBeTruthy();
  });

  it('uses only keys the dictionaries define (static page and scripts)', () => {
    const dir = __dirname;
    const sources = ['index.html', 'app.js', 'card.js', 'board.js', 'wallboard.js', 'history.js', 'dialog.js', 'alerts.js']
      .map((f) => readFileSync(join(dir, f), 'utf8')).join('\n');
    const used = new Set([
      ...[...sources.matchAll(/data-i18n="([\w.]+)"/g)].map((m) => m[1]),
      ...[...sources.matchAll(/:([\w.]+)"/g)].filter((m) => m[0].includes('.')).map((m) => m[1]),
      ...[...sources.matchAll(/\bt\('([\w.]+)'/g)].map((m) => m[1]),
    ]);
    // Keys built at run time ('severity.' + s) end with a dot; the dictionaries' completeness covers them above.
    const missing = [...used].filter((k) => k.includes('.') && !k.endsWith('.') && !(k in en));
    expect(missing).toEqual([]);
  });
});
