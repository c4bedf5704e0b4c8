/** train:emotion --feedback, the script part without Redis: model paths, atomic writes, the gated write per tenant. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { FeedbackLabel } from '../libs/contracts/src/feedback';
import { parseLabelledJsonl } from '../libs/emotion/src/evaluation';
import { loadEmotionDetector } from '../libs/emotion/src';
import { runFeedbackTraining, tenantModelPath, writeModelAtomically } from './train-emotion-feedback';

const ROOT = path.resolve(__dirname, '..');
const base = ['en-tech-tweets.jsonl', 'en-reviews.jsonl'].flatMap((f) =>
  parseLabelledJsonl(fs.readFileSync(path.join(ROOT, 'libs/emotion/testdata/validation/tune', f), 'utf8')));
const phrase = 'This is unacceptable, the parcel is late again!';
const labels = (tenant: string): FeedbackLabel[] => [1, 2, 3, 4, 5].map((i) => ({
  tenant, escalationId: `esc-${i}`, conversationId: `c-${i}`, text: phrase, language: 'en', verdict: 'not_negative', negative: false,
  by: 'sup', at: `2026-11-30T10:0${i}:00.000Z`,
}));

describe('tenantModelPath', () => {
  it('follows EMOTION_MODEL_DIR, defaulting to <repo>/.models', () => {
    expect(tenantModelPath('acme', {}, '/repo')).toBe('/repo/.models/tenants/acme/emotion-model.json');
    expect(tenantModelPath('acme', { EMOTION_MODEL_DIR: '/m' }, '/repo')).toBe('/m/tenants/acme/emotion-model.json');
  });
  it('rejects names that would leave the directory', () => {
    for (const t of ['../etc', 'a/b', '', '.hidden', 'x..y']) expect(() => tenantModelPath(t, {}, '/repo')).toThrow(/not a valid tenant/);
  });
});

describe('writeModelAtomically', () => {
  it('replaces the file by rename and leaves no temp file', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'emo-atomic-'));
    const f = path.join(dir, 'tenants', 't', 'emotion-model.json');
    writeModelAtomically(f, { a: 1 } as never);
    writeModelAtomically(f, { a: 2 } as never);
    expect(JSON.parse(fs.readFileSync(f, 'utf8'))).toEqual({ a: 2 });
    expect(fs.readdirSync(path.dirname(f))).toEqual(['emotion-model.json']);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('runFeedbackTraining', () => {
  it("writes the tenant's model when not worse, and says what it did", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'emo-fb-'));
    const env = { EMOTION_MODEL_DIR: dir };
    const r = await runFeedbackTraining({ tenant: 'acme', base, baseFiles: ['a.jsonl'], env, repoRoot: ROOT,
      readLabels: async (t) => ({ labels: labels(t), invalid: 2 }) });
    expect(r).toMatchObject({ tenant: 'acme', labels: 5, invalidLabels: 2, trainLabels: 4, heldBack: 1, written: true,
      current: expect.objectContaining({ model: 'shipped' }), out: path.join(dir, 'tenants/acme/emotion-model.json') });
    const tenant = loadEmotionDetector(r.out as string);
    expect(tenant.detect(phrase, { language: 'en' }).negative).toBe(false);
    // A second run compares against the tenant's own model now.
    const again = await runFeedbackTraining({ tenant: 'acme', base, baseFiles: [], env, repoRoot: ROOT, dryRun: true,
      readLabels: async (t) => ({ labels: labels(t), invalid: 0 }) });
    expect(again).toMatchObject({ written: false, current: expect.objectContaining({ model: 'tenant' }), reason: expect.stringMatching(/dry run/) });
    fs.rmSync(dir, { recursive: true, force: true });
  }, 60_000);
  it('writes nothing without labels', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'emo-fb-'));
    const r = await runFeedbackTraining({ tenant: 'acme', base, baseFiles: [], env: { EMOTION_MODEL_DIR: dir }, repoRoot: ROOT,
      readLabels: async () => ({ labels: [], invalid: 0 }) });
    expect(r).toMatchObject({ written: false, labels: 0 });
    expect(fs.existsSync(path.join(dir, 'tenants'))).toBe(false);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
