/**
 * `npm run train:emotion -- --feedback --tenant T`: retrain one tenant's emotion model on the base
 * data plus the FeedbackLabel records the router keeps for that tenant in Redis (docs/contract.md (Emotion detection)),
 * and replace the tenant's model only if the new one is not worse (libs/emotion feedback-training).
 * The file is written atomically (temp file + rename) so a service reloading it never reads half.
 * Prints one JSON object saying what it did.
 */
import * as fs from 'fs';
import * as path from 'path';
import { BaseEnv, loadEnv, redisConnectionOf } from '@cx/config';
import { FeedbackLabel } from '@cx/contracts';
import { createRedis, KeySpace } from '@cx/redis';
import { RouterKeys } from '../apps/router/src/router-keys';
import type { LabelledMessage } from '../libs/emotion/src/evaluation';
import { DEFAULT_FEEDBACK_OPTIONS, FeedbackTrainingOptions, retrainFromFeedback } from '../libs/emotion/src/feedback-training';
import { defaultModelPath, readEmotionModel, tenantModelPath as modelPathOf, type EmotionModelFile } from '../libs/emotion/src/model';

/** `${EMOTION_MODEL_DIR:-<repo>/.models}/tenants/<tenant>/emotion-model.json` (the service reads the same path). */
export function tenantModelPath(tenant: string, env: NodeJS.ProcessEnv, repoRoot: string): string {
  const dir = env.EMOTION_MODEL_DIR ? path.resolve(env.EMOTION_MODEL_DIR) : path.join(repoRoot, '.models');
  try {
    return modelPathOf(dir, tenant);
  } catch (e) {
    throw new Error(`--tenant ${(e as Error).message}`);
  }
}

/** Write next to the target and rename over it: readers see the old file or the new one, never a part. */
export function writeModelAtomically(file: string, model: EmotionModelFile): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}-${Date.now()}`;
  try {
    fs.writeFileSync(tmp, JSON.stringify(model));
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}

/** Read a tenant's labels (a Redis LIST of JSON, newest first); entries that do not parse are counted and skipped. */
export async function readFeedbackLabels(env: NodeJS.ProcessEnv, tenant: string): Promise<{ labels: FeedbackLabel[]; invalid: number }> {
  const base = loadEnv(BaseEnv, env);
  // The router's own key naming, so the trainer reads exactly where the router writes.
  const key = new RouterKeys(new KeySpace(base.REDIS_KEY_PREFIX, 'rt', base.REDIS_SHARDS)).feedbackLabels(tenant).key;
  const redis = createRedis(redisConnectionOf(base), 'train-emotion');
  try {
    const raw = await redis.lrange(key, 0, -1);
    const labels: FeedbackLabel[] = [];
    let invalid = 0;
    for (const r of raw) {
      try {
        const p = FeedbackLabel.safeParse(JSON.parse(r));
        if (p.success) labels.push(p.data);
        else invalid++;
      } catch {
        invalid++;
      }
    }
    return { labels, invalid };
  } finally {
    redis.disconnect();
  }
}

export async function runFeedbackTraining(args: {
  tenant: string; base: LabelledMessage[]; baseFiles: string[]; env: NodeJS.ProcessEnv; repoRoot: string;
  options?: Partial<FeedbackTrainingOptions>; dryRun?: boolean;
  /** Where the labels come from (default: the router's Redis, REDIS_URL / REDIS_CLUSTER_NODES, REDIS_KEY_PREFIX, REDIS_SHARDS). */
  readLabels?: (tenant: string) => Promise<{ labels: FeedbackLabel[]; invalid: number }>;
}): Promise<Record<string, unknown>> {
  const out = tenantModelPath(args.tenant, args.env, args.repoRoot);
  const read = args.readLabels ?? ((t: string) => readFeedbackLabels(args.env, t));
  const { labels, invalid } = await read(args.tenant);
  const summary: Record<string, unknown> = { tenant: args.tenant, labels: labels.length, invalidLabels: invalid };
  if (labels.length === 0) return { ...summary, written: false, reason: 'no feedback labels for this tenant' };
  const currentPath = fs.existsSync(out) ? out : defaultModelPath();
  const current = readEmotionModel(currentPath);
  const r = retrainFromFeedback({
    tenant: args.tenant, labels, base: args.base, current, options: { ...DEFAULT_FEEDBACK_OPTIONS, ...args.options },
    meta: { licence: 'Base weights as the shipped model (see libs/emotion/README.md) plus this tenant\'s own feedback labels.' },
  });
  const written = r.decision.write && !args.dryRun;
  if (written) writeModelAtomically(out, r.file);
  return {
    ...summary, trainLabels: r.trainLabels, heldBack: r.heldBack, baseFiles: args.baseFiles.map((f) => path.basename(f)),
    current: { model: currentPath === out ? 'tenant' : 'shipped', path: currentPath, ...r.current },
    candidate: r.candidate, written, reason: args.dryRun && r.decision.write ? `dry run: ${r.decision.reason}` : r.decision.reason,
    ...(written ? { out } : {}),
  };
}
