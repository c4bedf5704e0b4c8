/**
 * Property tests (fast-check): personal data in many shapes never leaks, in pieces of 4+ characters,
 * into anything the detector returns (evidence texts; cue, kind and intent names are identifiers) nor out of
 * maskPersonalData, and a word inside an address is never a cue (docs/contract.md, Emotion detection).
 */
import fc from 'fast-check';
import { maskPersonalData, luhnValid, PII_PLACEHOLDERS } from '@cx/contracts';
import { createEmotionDetector } from './index';

const d = createEmotionDetector();
const pick = <T>(xs: readonly T[]) => fc.constantFrom(...xs);
const digits = (n: number) => fc.array(fc.integer({ min: 0, max: 9 }), { minLength: n, maxLength: n }).map((a) => a.join(''));
const randomCase = (s: string) => fc.array(fc.boolean(), { minLength: s.length, maxLength: s.length })
  .map((u) => [...s].map((c, i) => (u[i] ? c.toUpperCase() : c.toLowerCase())).join(''));

// ---------------------------------------------------------------- e-mail addresses
const LOCAL = 'abcdefghijklmnopqrstuvwxyzäöüßéñ0123456789';
const word = (min: number, max: number, alphabet = LOCAL) => fc.array(pick([...alphabet]), { minLength: min, maxLength: max }).map((a) => a.join(''));
const email = fc.tuple(
  fc.array(word(2, 9), { minLength: 1, maxLength: 3 }), pick(['.', '_', '-']), fc.option(word(2, 8), { nil: undefined }),
  fc.array(word(2, 10, 'abcdefghijklmnopqrstuvwxyzäöü0123456789'), { minLength: 1, maxLength: 2 }),
  pick(['de', 'com', 'co.uk', 'org', 'info', 'at', 'ch', 'berlin', 'xn--p1ai', 'online']), fc.boolean(),
).chain(([parts, sep, tag, domain, tld, upper]) => {
  const s = `${parts.join(sep)}${tag ? `+${tag}` : ''}@${domain.join('.')}.${tld}`;
  return upper ? fc.constant(s.toUpperCase()) : randomCase(s);
});

// ---------------------------------------------------------------- IBANs
const IBAN_SHAPES: Array<[string, number, boolean]> = [['DE', 18, false], ['AT', 16, false], ['CH', 17, false], ['GB', 18, true],
  ['NL', 14, true], ['FR', 23, false], ['IT', 23, true], ['ES', 20, false], ['BE', 12, false], ['PL', 24, false]];
const iban = fc.tuple(pick(IBAN_SHAPES), digits(2), digits(24), word(4, 4, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'), pick([' ', '', '.', '-', '  ']), fc.boolean())
  .map(([[cc, len, letters], check, body, bank, sep, lower]) => {
    const b = letters ? bank + body.slice(0, len - 4) : body.slice(0, len);
    const compact = `${cc}${check}${b}`;
    const grouped = compact.match(/.{1,4}/g)!.join(sep);
    return lower ? grouped.toLowerCase() : grouped;
  });

// ---------------------------------------------------------------- phone numbers
const phone = fc.tuple(digits(3), digits(4), digits(4), digits(2), pick([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])).map(([a, b, c, e, f]) => [
  `+49 (0)30 ${b} ${c}`, `0049 30 ${b}${c}`, `+1-415-${a}-${b}`, `0171/${b}${a}`, `+44 20 ${b} ${c}`, `(030) ${a} ${b}`,
  `+49 171 ${a}${b}`, `030-${a}${e}-${c}`, `+43 664 ${a} ${b}`, `0171 ${a} ${b}`, `+41 (0) 44 ${a} ${e} ${e}`, `+49.171.${b}${a}`,
  `0049 (0)171 ${b}${e}`, `+1 (415) ${a}-${b}`, `089 ${a}${b}`,
][f % 15]);

// ---------------------------------------------------------------- card numbers (Luhn-valid)
function withLuhn(prefix: string, body: string, len: number): string {
  const s = (prefix + body).slice(0, len - 1);
  for (let c = 0; c <= 9; c++) if (luhnValid(s + c)) return s + c;
  return s + '0';
}
const card = fc.tuple(pick(['4', '51', '55', '37', '6011']), digits(18), pick([' ', '-', '']), fc.boolean()).map(([p, body, sep, amex]) => {
  const n = withLuhn(p, body, amex ? 15 : 16);
  const groups = amex ? [n.slice(0, 4), n.slice(4, 10), n.slice(10)] : n.match(/.{4}/g)!;
  return groups.join(sep);
});

const TEMPLATES = [
  'ICH BIN SO SAUER!!! Meine Mail: {pii}, ruft mich sofort an',
  'This is UNACCEPTABLE, contact me at {pii} now!!',
  'Terrible service. My details: {pii}. Still waiting for a refund, third call this week!',
  'Schon wieder falsch abgebucht, Konto {pii}, das ist eine Frechheit 😡',
  '{pii} - WHY IS NOBODY ANSWERING?! I am furious',
  'Ich warte seit drei Wochen, bitte an {pii} antworten. Katastrophe!',
  'Thanks for charging me twice, card {pii}. I will contact my lawyer.',
];

/**
 * All the text the detector returns for a message. Cue, kind and intent names come from a closed
 * set of identifiers in the code (never from the message): checked for shape, not for pieces.
 */
function outputs(text: string, lang: string): string {
  const r = d.detect(text, { language: lang });
  for (const id of [...r.evidence.flatMap((e) => [e.cue, e.kind]), ...r.intents]) expect(id).toMatch(/^[a-z_]{2,40}$/);
  return r.evidence.map((e) => e.text).join('\n').toLowerCase();
}

/**
 * 4-character pieces of the item that cannot come from the text around it: the template, or the
 * placeholders the masker writes (an address "aa@emaiaa.de" shares "emai" with "[email]").
 */
function pieces(item: string, template: string): string[] {
  const t = `${template} ${Object.values(PII_PLACEHOLDERS).join(' ')}`.toLowerCase();
  const out: string[] = [];
  const s = item.toLowerCase();
  for (let i = 0; i + 4 <= s.length; i++) {
    const p = s.slice(i, i + 4);
    if (/^[\s.\-()/+]+$/.test(p) || t.includes(p) || /\s{2}/.test(p)) continue;
    out.push(p);
  }
  return out;
}

function noLeak(item: string, template: string): void {
  const text = template.replace('{pii}', item);
  const lang = /[äöüß]|Ich|Meine|Schon/.test(template) ? 'de' : 'en';
  const masked = maskPersonalData(text).toLowerCase();
  const out = outputs(text, lang);
  for (const p of pieces(item, template)) {
    if (masked.includes(p)) throw new Error(`masked text keeps "${p}" of ${JSON.stringify(item)}: ${masked}`);
    if (out.includes(p)) throw new Error(`detector output keeps "${p}" of ${JSON.stringify(item)}: ${out}`);
  }
}

describe('no piece of personal data reaches any output', () => {
  // A fixed number of generated cases per property: the work is fixed, its time is not (a busy
  // 2-core machine runs them several times slower), so the default 5 s per test is no measure here.
  jest.setTimeout(60_000);
  const runs = { numRuns: Number(process.env.PII_PROPERTY_RUNS ?? 300) };
  it('e-mail addresses (upper case, umlauts, IDN, plus tags)', () => {
    fc.assert(fc.property(email, pick(TEMPLATES), (e, t) => noLeak(e, t)), runs);
  });
  it('IBANs (upper/lower case, spaces, dots, dashes, compact)', () => {
    fc.assert(fc.property(iban, pick(TEMPLATES), (i, t) => noLeak(i, t)), runs);
  });
  it('phone numbers in national and international formats', () => {
    fc.assert(fc.property(phone, pick(TEMPLATES), (p, t) => noLeak(p, t)), runs);
  });
  it('card numbers with spaces, dashes or none (Visa, Mastercard, Amex, Discover)', () => {
    fc.assert(fc.property(card, pick(TEMPLATES), (c, t) => noLeak(c, t)), runs);
  });
  it('several items in one message', () => {
    fc.assert(fc.property(email, iban, phone, card, (e, i, p, c) => {
      const text = `THIS IS A DISGRACE!!! ${e} / ${i} / ${p} / ${c}`;
      const out = outputs(text, 'en');
      const masked = maskPersonalData(text).toLowerCase();
      for (const item of [e, i, p, c]) {
        for (const piece of pieces(item, 'THIS IS A DISGRACE!!!  /  /  / ')) {
          expect(masked).not.toContain(piece);
          expect(out).not.toContain(piece);
        }
      }
      expect(maskPersonalData(`${e} / ${i} / ${p} / ${c}`)).toBe('[email] / [iban] / [phone] / [card]');
    }), { numRuns: 200 });
  });
});

describe('words inside personal data are never cues; placeholders are neither shouting nor cues', () => {
  it('"sauer" inside an address is no anger word', () => {
    for (const t of ['Bitte an julia.sauer@web.de schicken.', 'Bitte an JULIA.SAUER@WEB.DE schicken.', 'Kontakt: frust-wut.ärger@mail.de']) {
      const r = d.detect(t, { language: 'de' });
      expect(r.evidence).toEqual([]);
      expect(r.negative).toBe(false);
    }
    const angry = d.detect('Ich bin sauer!', { language: 'de' });
    expect(angry.evidence.some((e) => e.text.toLowerCase() === 'sauer')).toBe(true);
  });
  it('a message of placeholders only is calm and has no emphasis', () => {
    const r = d.detect('MAX.MUSTERMANN@EXAMPLE.COM DE89 3704 0044 0532 0130 00 +49 171 1234567', { language: 'de' });
    expect(r.negative).toBe(false);
    expect(r.evidence.filter((e) => e.kind === 'emphasis')).toEqual([]);
  });
  it('evidence offsets point into the masked text', () => {
    const text = 'Call me on +49 171 1234567, this is unacceptable!';
    const r = d.detect(text, { language: 'en' });
    const masked = maskPersonalData(text);
    const e = r.evidence.find((x) => x.cue === 'unacceptable')!;
    expect(masked.slice(e.start, e.end)).toBe('unacceptable');
  });
});
