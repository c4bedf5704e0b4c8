/** Unit tests of the detector: flags, evidence, intents, languages, the model-only gate. */
import { EmotionConfigSchema, createEmotionDetector, detectLanguage } from './index';

describe('createEmotionDetector', () => {
  const d = createEmotionDetector();

  it('flags clear complaints and passes clear praise (en)', () => {
    const neg = d.detect('This is the worst service ever, I am so angry!!!');
    expect(neg).toMatchObject({ negative: true, language: 'en', supported: true, truncated: false });
    expect(neg.evidence.length).toBeGreaterThan(0);
    expect(neg.evidence.length).toBeLessThanOrEqual(8);
    expect(d.detect('Thank you so much, the agent was really helpful and friendly!').negative).toBe(false);
  });

  it('flags complaints without emotional words (contact-center cues)', () => {
    const r = d.detect('Still waiting for my refund, third call this week.');
    expect(r.negative).toBe(true);
    expect(r.intents).toContain('refund');
    expect(r.evidence.map((e) => e.cue)).toEqual(expect.arrayContaining(['refund']));
    const de = d.detect('Ich warte seit drei Wochen auf meinen Anschluss und niemand meldet sich.');
    expect(de.language).toBe('de');
    expect(de.negative).toBe(true);
    expect(de.evidence.some((e) => e.cue === 'waiting_time' && /seit drei Wochen/.test(e.text))).toBe(true);
    expect(de.intents).toContain('provisioning');
  });

  it('handles negation in both languages', () => {
    const en = d.detect('I am not happy with this at all');
    expect(en.negative).toBe(true);
    expect(en.evidence.some((e) => e.cue === 'negated_positive' && /not happy/i.test(e.text))).toBe(true);
    const de = d.detect('Ich bin mit dem Service überhaupt nicht zufrieden.');
    expect(de.negative).toBe(true);
    expect(de.evidence.some((e) => e.kind === 'negation')).toBe(true);
    // "not bad" is no complaint.
    expect(d.detect('not bad at all, thanks').negative).toBe(false);
  });

  it('finds German compounds, umlauts and ß', () => {
    const r = d.detect('Schon wieder Zugausfall und Zugverspätung, das ist eine Frechheit! Ich ärgere mich maßlos.');
    expect(r.language).toBe('de');
    expect(r.negative).toBe(true);
    const texts = r.evidence.map((e) => e.text);
    expect(texts).toEqual(expect.arrayContaining(['Frechheit']));
    expect(texts.some((t) => t === 'Zugausfall' || t === 'Zugverspätung')).toBe(true);
    expect(r.intents).toContain('outage');
    const ss = d.detect('Die Rechnung ist viel zu hoch, ich zahle das nicht. Großartig ist anders, Straße gesperrt.');
    expect(ss.language).toBe('de');
    expect(ss.intents).toContain('unclear_bill');
  });

  it('uses emoji and emphasis as cues', () => {
    const r = d.detect('my flight got cancelled again 😡😡');
    expect(r.negative).toBe(true);
    expect(r.evidence.some((e) => e.kind === 'emoji')).toBe(true);
    const emojiOnly = d.detect('😡🤬');
    expect(emojiOnly.supported).toBe(true);
    expect(emojiOnly.negative).toBe(true);
    expect(d.detect('great trip 😍👍').negative).toBe(false);
  });

  it('tags complaint intents in both languages', () => {
    expect(d.detect('I will cancel my contract if this is not fixed').intents).toContain('cancellation_threat');
    expect(d.detect('My lawyer will hear about this').intents).toContain('legal_threat');
    expect(d.detect('I was on hold for 45 minutes').intents).toContain('hotline_wait');
    expect(d.detect('Internet not working since Monday').intents).toContain('outage');
    expect(d.detect('Ich kündige meinen Vertrag!').intents).toContain('cancellation_threat');
    expect(d.detect('Dann schalte ich meinen Anwalt ein.').intents).toContain('legal_threat');
    expect(d.detect('Seit 40 Minuten in der Warteschleife.').intents).toContain('hotline_wait');
  });

  it('masks personal data in evidence', () => {
    const r = d.detect('Terrible! Call me on +49 170 1234567 or mail max@example.com, this is unacceptable 4111 1111 1111 1111');
    expect(r.negative).toBe(true);
    const all = r.evidence.map((e) => e.text).join(' ');
    expect(all).not.toMatch(/1234567|max@example|4111/);
  });

  it('gives clear outcomes for empty, garbage, other languages and very long text', () => {
    expect(d.detect('')).toMatchObject({ negative: false, supported: false, language: null, reason: 'empty' });
    expect(d.detect('   \n ')).toMatchObject({ negative: false, supported: false, reason: 'empty' });
    expect(d.detect(undefined as unknown as string)).toMatchObject({ negative: false, supported: false });
    const garbage = Array.from({ length: 500 }, (_, i) => String.fromCharCode((i * 7919) % 32)).join('') + '\ufffd\ud800';
    expect(d.detect(garbage)).toMatchObject({ negative: false, supported: false, reason: 'binary' });
    expect(d.detect('Je suis très mécontent de votre service, c\'est vraiment nul')).toMatchObject({
      supported: false, negative: false, reason: 'unsupported_language',
    });
    expect(d.detect('hola', { language: 'es' })).toMatchObject({ supported: false, reason: 'unsupported_language' });
    const long = 'I am still waiting and this is terrible. '.repeat(2000);
    const t0 = Date.now();
    const r = d.detect(long);
    expect(Date.now() - t0).toBeLessThan(500);
    expect(r.truncated).toBe(true);
    expect(r.negative).toBe(true);
    expect(r.evidence.length).toBeLessThanOrEqual(8);
  });

  it('honours the language hint', () => {
    expect(d.detect('super', { language: 'de-DE' }).language).toBe('de');
    expect(d.detect('super', { language: 'en' }).language).toBe('en');
  });

  it('applies tenant cue words and threshold', () => {
    const base = createEmotionDetector();
    const tenant = createEmotionDetector({ extraNegativeCues: { de: ['Funkloch'], en: ['dead zone'] }, extraCueWeight: 3 });
    const text = 'Hier ist schon wieder ein Funkloch.';
    const r = tenant.detect(text);
    expect(r.score).toBeGreaterThan(base.detect(text).score);
    expect(r.evidence.some((e) => e.kind === 'tenant' && e.text === 'Funkloch')).toBe(true);
    expect(tenant.detect('another dead zone on my way home').evidence.some((e) => e.kind === 'tenant')).toBe(true);
    const strict = createEmotionDetector({ threshold: 0.999 });
    expect(strict.detect('I am a bit disappointed').negative).toBe(false);
    expect(() => EmotionConfigSchema.parse({ threshold: 2 })).toThrow();
    expect(() => createEmotionDetector({ unknown: 1 } as never)).toThrow();
  });

  it('never throws on odd input', () => {
    const odd = ['\u0000', '🙂'.repeat(3000), '!!!???', '@user http://x.y/z', '12345', 'ß', 'İstanbul', '\ud83d', ':-( :( :/'];
    for (const s of odd) expect(() => d.detect(s)).not.toThrow();
  });
});

describe('detectLanguage', () => {
  it('tells German from English and others', () => {
    expect(detectLanguage('ich warte seit einer woche auf die rechnung')).toBe('de');
    expect(detectLanguage('i have been waiting for a week for the bill')).toBe('en');
    expect(detectLanguage('größte frechheit')).toBe('de');
    expect(detectLanguage('je ne suis pas content du tout merci')).toBe('other');
    expect(detectLanguage('спасибо за помощь')).toBe('other');
    expect(detectLanguage('12345 !!!')).toBeNull();
  });
});

describe('model-only gate (a flag comes with evidence)', () => {
  const text = 'Could you tell me your opening hours please?';
  it('does not flag a cue-less message the model is only mildly sure about', () => {
    const strict = createEmotionDetector();
    const r = strict.detect(text, { language: 'en' });
    expect(r.score).toBeLessThan(strict.config.modelOnlyThreshold);
    expect(r.negative).toBe(false);
    // A tenant that lets the model flag on its own at 0.3 gets the flag, with the model as evidence.
    const lax = createEmotionDetector({ threshold: 0.3, modelOnlyThreshold: 0.3 });
    expect(lax.detect(text, { language: 'en' }).score).toBeGreaterThanOrEqual(0.3);
    expect(lax.detect(text, { language: 'en' }).negative).toBe(true);
  });
  it('says so in the evidence when the model alone decides', () => {
    const r = createEmotionDetector().detect('my bag never showed up at the carousel', { language: 'en' });
    expect(r.score).toBeGreaterThanOrEqual(0.7);
    expect(r.negative).toBe(true);
    expect(r.evidence).toEqual([expect.objectContaining({ kind: 'model', cue: 'model' })]);
    // The same message with a stricter tenant setting is not flagged.
    expect(createEmotionDetector({ modelOnlyThreshold: 0.95 }).detect('my bag never showed up at the carousel', { language: 'en' }).negative).toBe(false);
  });
  it('does not flag a reassuring message on the model alone unless it is 0.95 sure', () => {
    const lax = createEmotionDetector({ threshold: 0.1, modelOnlyThreshold: 0.1 });
    for (const t of ['No complaints here.', 'Danke, das Problem ist gelöst.', 'kein Problem']) {
      const r = lax.detect(t);
      expect(r.score).toBeGreaterThanOrEqual(0.1);
      expect(r.score).toBeLessThan(0.95);
      expect(r.negative).toBe(false);
    }
  });
});
