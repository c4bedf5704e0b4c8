/**
 * Precision rules (issue 15): intents stay tags, a flag needs emotional evidence or a sure model;
 * negated complaints, thanks and solved problems are calm; acronyms do not shout; sarcasm and polite
 * but final warnings are complaints; the platform's sentiment is a cue, never the flag by itself.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { createEmotionDetector, loadEmotionDetector } from './index';
import { defaultModelPath } from './model';

const d = createEmotionDetector();
const flag = (text: string, language?: string) => d.detect(text, language ? { language } : undefined);

describe('negation of complaint nouns and negative words (en, de)', () => {
  it.each([
    ['No complaints here, everything arrived on time.', 'en'],
    ["I can't complain, the agent was quick.", 'en'],
    ['Kein Problem, ich warte gern.', 'de'],
    ['Keine Sorge, das passt schon.', 'de'],
    ['ich warte gern', 'de'],
  ])('%s is not flagged', (text, lang) => {
    expect(flag(text, lang).negative).toBe(false);
  });
});

describe('gratitude and resolution', () => {
  it.each([
    ['Danke, das Problem ist gelöst.', 'de'],
    ['Thank you, the issue has been resolved.', 'en'],
    ['Vielen Dank für die schnelle Hilfe!', 'de'],
    ['Thanks for letting me know about the delay.', 'en'],
  ])('%s is not flagged', (text, lang) => {
    expect(flag(text, lang).negative).toBe(false);
  });
});

describe('neutral requests keep their intent tags but are not flagged', () => {
  it.each([
    ['How do I cancel my subscription?', 'en', 'cancellation_threat'],
    ['Where is my invoice?', 'en', 'unclear_bill'],
    ['Will a transfer incur a fee?', 'en', 'unclear_bill'],
    ['i want to pay my bill', 'en', 'unclear_bill'],
    ['I would like to close my account.', 'en', 'cancellation_threat'],
    ['Wie kann ich meinen Vertrag kündigen?', 'de', 'cancellation_threat'],
    ['Wo finde ich meine Rechnung?', 'de', 'unclear_bill'],
  ])('%s', (text, lang, intent) => {
    const r = flag(text, lang);
    expect(r.negative).toBe(false);
    expect(r.intents).toContain(intent);
    expect(r.evidence.every((e) => e.kind === 'intent')).toBe(true);
  });
  it('I need to change my address.', () => {
    expect(flag('I need to change my address.', 'en')).toMatchObject({ negative: false, intents: [] });
  });
});

describe('acronyms are not shouting, weather is not a complaint', () => {
  it('SWIFT, SEPA, GBP, IBAN', () => {
    const r = flag('Can I send a SWIFT transfer in GBP to a SEPA account? What is the IBAN format?', 'en');
    expect(r.negative).toBe(false);
    expect(r.evidence.filter((e) => e.kind === 'emphasis')).toEqual([]);
  });
  it('real shouting still counts', () => {
    const r = flag('WHY IS NOBODY ANSWERING MY CALLS', 'en');
    expect(r.evidence.some((e) => e.kind === 'emphasis')).toBe(true);
  });
  it('"kalt" in a weather question', () => {
    const r = flag('Wird es morgen kalt? Ist es heute kalt draußen?', 'de');
    expect(r.negative).toBe(false);
    expect(r.evidence).toEqual([]);
  });
});

describe('sarcasm: a positive word on a negative fact', () => {
  it.each([
    ['thanks for charging me twice', 'en'],
    ['Thank you so much for charging me twice.', 'en'],
    ['great, another delay', 'en'],
    ['Vielen Dank auch, dass Sie mich drei Wochen warten lassen.', 'de'],
    ['Super, schon wieder Verspätung.', 'de'],
    ['Danke für nichts.', 'de'],
  ])('%s is flagged with sarcasm evidence', (text, lang) => {
    const r = flag(text, lang);
    expect(r.negative).toBe(true);
    expect(r.evidence.some((e) => e.kind === 'sarcasm')).toBe(true);
  });
  it('sincere thanks for a fix is not sarcasm', () => {
    expect(flag('Thanks for fixing the problem so quickly!', 'en').evidence.some((e) => e.kind === 'sarcasm')).toBe(false);
    expect(flag('Danke auch für die schnelle Hilfe.', 'de').negative).toBe(false);
  });
});

describe('polite but final escalation', () => {
  it.each([
    ['Hiermit fordere ich Sie letztmalig auf, die Rechnung zu korrigieren.', 'de', 'final_warning'],
    ['Ich werde mich an die Verbraucherzentrale wenden, die Abbuchung ist falsch.', 'de', 'legal_threat'],
    ['Ich habe meine Anwältin eingeschaltet wegen der doppelten Abbuchung.', 'de', 'legal_threat'],
    ['I have contacted my lawyer about the double charge on my bill.', 'en', 'legal_threat'],
    ['If the fee is not refunded I will take this to consumer protection.', 'en', 'legal_threat'],
    ['Cancel my contract now, or I will go elsewhere.', 'en', 'cancellation_threat'],
  ])('%s', (text, lang, cue) => {
    const r = flag(text, lang);
    expect(r.negative).toBe(true);
    expect(r.evidence.map((e) => e.cue)).toContain(cue);
  });
});

describe('platform sentiment is one more cue, never the flag by itself', () => {
  const calm = 'My invoice shows a fee I do not understand.';
  it('does not flag a message without emotional evidence', () => {
    expect(d.detect(calm, { language: 'en', platformSentiment: 'negative' }).negative).toBe(false);
    expect(d.detect('Wie ist das Wetter?', { language: 'de', platformSentiment: 'negative' }).negative).toBe(false);
  });
  it('raises the score and is named in the evidence of a flag', () => {
    const text = 'The delay was annoying.';
    const plain = d.detect(text, { language: 'en' });
    const neg = d.detect(text, { language: 'en', platformSentiment: 'negative' });
    const pos = d.detect(text, { language: 'en', platformSentiment: 'positive' });
    expect(neg.score).toBeGreaterThan(plain.score);
    expect(pos.score).toBeLessThan(plain.score);
    expect(neg.negative).toBe(true);
    expect(neg.evidence).toContainEqual(expect.objectContaining({ cue: 'platform_sentiment', kind: 'platform' }));
  });
});

describe('loadEmotionDetector (per-tenant model files)', () => {
  it('builds a detector from a model file path and reads the file fresh each time', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'emo-model-'));
    const file = path.join(dir, 'emotion-model.json');
    const shipped = JSON.parse(fs.readFileSync(defaultModelPath(), 'utf8'));
    fs.writeFileSync(file, JSON.stringify(shipped));
    const a = loadEmotionDetector(file);
    expect(a.detect('This is unacceptable!', { language: 'en' }).negative).toBe(true);
    fs.writeFileSync(file, JSON.stringify({ ...shipped, threshold: 0.999, createdAt: 'reloaded' }));
    const b = loadEmotionDetector(file);
    expect(b.model.createdAt).toBe('reloaded');
    expect(b.config.threshold).toBe(0.999);
    fs.rmSync(dir, { recursive: true, force: true });
  });
  it('names the path when the file is missing or not a model', () => {
    expect(() => loadEmotionDetector('/nonexistent/emotion-model.json')).toThrow(/nonexistent\/emotion-model.json/);
    const f = path.join(os.tmpdir(), `not-a-model-${process.pid}.json`);
    fs.writeFileSync(f, '{"format":"other"}');
    expect(() => loadEmotionDetector(f)).toThrow(/not an emotion model/);
    fs.rmSync(f);
  });
});
