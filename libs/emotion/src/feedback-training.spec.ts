/** Retraining from feedback without Redis: label handling, the "not worse" gate, and a phrasing flipped by five verdicts. */
import * as fs from 'fs';
import * as path from 'path';
import type { FeedbackLabel } from '../../contracts/src/feedback';
import { detectorWithModel } from './detector';
import { parseLabelledJsonl } from './evaluation';
import { DEFAULT_FEEDBACK_OPTIONS, gate, labelToLine, retrainFromFeedback, splitLabels, trainWithFeedback } from './feedback-training';
import { modelFromFile } from './model';

const label = (over: Partial<FeedbackLabel>): FeedbackLabel => ({
  tenant: 'acme', escalationId: 'e1', conversationId: 'c1', messageId: 'm1', text: 'x', language: 'en', verdict: 'not_negative',
  negative: false, by: 'sup-1', at: '2026-11-30T10:00:00.000Z', ...over,
});

describe('feedback labels', () => {
  it('maps verdicts to what the flag should have been', () => {
    expect(labelToLine(label({ verdict: 'not_negative', negative: true })).negative).toBe(false);
    expect(labelToLine(label({ verdict: 'missed', negative: false })).negative).toBe(true);
    expect(labelToLine(label({ verdict: 'wrong_intent', negative: true })).negative).toBe(true);
    expect(labelToLine(label({ language: null })).lang).toBe('');
  });

  it('keeps the newest verdict per message, ignores other tenants, holds back deterministically', () => {
    const labels = [
      label({ escalationId: 'a', verdict: 'missed', negative: true, at: '2026-11-30T09:00:00Z' }),
      label({ escalationId: 'a', verdict: 'not_negative', at: '2026-11-30T11:00:00Z' }),
      label({ escalationId: 'b' }), label({ escalationId: 'c' }), label({ escalationId: 'd' }), label({ escalationId: 'e' }),
      label({ escalationId: 'f', tenant: 'other' }),
    ];
    const s1 = splitLabels(labels, 'acme', 0.2);
    const s2 = splitLabels([...labels].reverse(), 'acme', 0.2);
    expect(s1.train.length + s1.held.length).toBe(5);
    expect(s1.held).toHaveLength(1);
    expect(s1.held.map((l) => l.escalationId)).toEqual(s2.held.map((l) => l.escalationId));
    const a = [...s1.train, ...s1.held].find((l) => l.escalationId === 'a')!;
    expect(a.verdict).toBe('not_negative');
    expect(splitLabels([label({})], 'acme', 0.2).held).toHaveLength(0);
  });
});

describe('gate: write only when not worse', () => {
  const cur = { heldCorrect: 3, heldTotal: 4, base: { en: 0.6, de: 0.5 } };
  it('refuses a model that gets fewer held-back labels right', () => {
    expect(gate({ ...cur, heldCorrect: 2 }, cur, 0.02)).toMatchObject({ write: false });
  });
  it('refuses a model that loses more than the tolerance on the base data', () => {
    expect(gate({ ...cur, base: { en: 0.6, de: 0.47 } }, cur, 0.02)).toMatchObject({ write: false, reason: expect.stringMatching(/de MCC/) });
  });
  it('accepts an equal or better model', () => {
    expect(gate({ ...cur, heldCorrect: 4, base: { en: 0.59, de: 0.51 } }, cur, 0.02).write).toBe(true);
  });
});

describe('retrainFromFeedback', () => {
  const dir = path.resolve(__dirname, '..', 'testdata', 'validation', 'tune');
  const base = ['en-tech-tweets.jsonl', 'en-reviews.jsonl', 'en-neutral-requests.jsonl']
    .flatMap((f) => parseLabelledJsonl(fs.readFileSync(path.join(dir, f), 'utf8')));
  const phrase = 'This is unacceptable, the parcel is late again!';
  const angry = 'I am furious, your service is terrible and nobody helps.';
  const baseModel = modelFromFile(trainWithFeedback(base, [], DEFAULT_FEEDBACK_OPTIONS));

  it('five "not_negative" verdicts on one phrasing flip it for that tenant only', () => {
    expect(detectorWithModel(baseModel).detect(phrase, { language: 'en' }).negative).toBe(true);
    const labels = [1, 2, 3, 4, 5].map((i) => label({ escalationId: `esc-${i}`, messageId: `m-${i}`, text: phrase, negative: true }));
    const r = retrainFromFeedback({ tenant: 'acme', labels, base, current: baseModel });
    expect(r.trainLabels).toBe(4);
    expect(r.heldBack).toBe(1);
    expect(r.decision.write).toBe(true);
    expect(r.candidate.heldCorrect).toBe(1);
    expect(r.current.heldCorrect).toBe(0);
    const tenant = detectorWithModel(modelFromFile(r.file));
    expect(tenant.detect(phrase, { language: 'en' }).negative).toBe(false);
    expect(tenant.detect(angry, { language: 'en' }).negative).toBe(true);
    // Another tenant keeps the base model, which still flags the phrase.
    expect(detectorWithModel(baseModel).detect(phrase, { language: 'en' }).negative).toBe(true);
  }, 60_000);

  it('does not replace the model when the candidate is worse on held-back labels', () => {
    // Contradictory labels: the held-back one says "missed" where the training ones say the opposite.
    const labels = [1, 2, 3, 4, 5].map((i) => label({ escalationId: `x-${i}`, text: phrase, verdict: 'not_negative' }));
    const { held } = splitLabels(labels, 'acme', 0.2);
    const flipped = labels.map((l) => (l.escalationId === held[0].escalationId ? { ...l, verdict: 'missed' as const, negative: true } : l));
    const r = retrainFromFeedback({ tenant: 'acme', labels: flipped, base, current: baseModel });
    expect(r.decision.write).toBe(false);
    expect(r.decision.reason).toMatch(/held-back/);
  }, 60_000);
});
