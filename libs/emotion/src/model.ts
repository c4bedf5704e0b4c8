/**
 * The shipped logistic-regression model: one hashed weight vector (float32) plus metadata.
 * File format (JSON, one file): { format, version, dimBits, threshold, cuePrior?, weights (base64 float32
 * little-endian), trainedOn, metrics, licence }. Loaded once per process and cached by path.
 */
import * as fs from 'fs';
import * as path from 'path';
import { FeatureBuffer, FeatureSpace, createFeatureSpace } from './features';

export const MODEL_FORMAT = 'cx-emotion-logreg-hashed';
export const MODEL_VERSION = 1;
export const DEFAULT_MODEL_FILE = 'emotion-model.json';

export interface EmotionModelFile {
  format: typeof MODEL_FORMAT;
  version: number;
  dimBits: number;
  threshold: number;
  /** Scale of the built-in contact-center cue prior the weights were trained with (absent = 0). */
  cuePrior?: number;
  weights: string;
  trainedOn?: unknown;
  metrics?: unknown;
  licence?: string;
  createdAt?: string;
}

export interface EmotionModel {
  dimBits: number;
  threshold: number;
  cuePrior: number;
  weights: Float32Array;
  /**
   * The weights as 16-bit integers times `servingScale`: what the detector scores with. Half the
   * memory of float32, so the table stays in a core's L2 cache (every feature is a random lookup);
   * the rounding error is below 1e-4 of the largest weight.
   */
  servingWeights: Int16Array;
  servingScale: number;
  space: FeatureSpace;
  meta: Omit<EmotionModelFile, 'weights'>;
}

export function encodeWeights(w: Float32Array): string {
  return Buffer.from(w.buffer, w.byteOffset, w.byteLength).toString('base64');
}

export function modelFromFile(file: EmotionModelFile): EmotionModel {
  if (!file || file.format !== MODEL_FORMAT) throw new Error(`not an emotion model (format ${String(file?.format)})`);
  if (file.version !== MODEL_VERSION) throw new Error(`unsupported emotion model version ${file.version}`);
  const buf = Buffer.from(file.weights, 'base64');
  const dim = 1 << file.dimBits;
  if (buf.length !== dim * 4) throw new Error(`emotion model weights: expected ${dim * 4} bytes, got ${buf.length}`);
  const weights = new Float32Array(dim);
  for (let i = 0; i < dim; i++) weights[i] = buf.readFloatLE(i * 4);
  if (!Number.isFinite(file.threshold) || file.threshold <= 0 || file.threshold >= 1) throw new Error(`emotion model threshold ${file.threshold} is not in (0, 1)`);
  const { weights: _w, ...meta } = file;
  void _w;
  const cuePrior = typeof file.cuePrior === 'number' && Number.isFinite(file.cuePrior) ? file.cuePrior : 0;
  let maxAbs = 0;
  for (let i = 0; i < dim; i++) maxAbs = Math.max(maxAbs, Math.abs(weights[i]));
  const servingScale = maxAbs > 0 ? maxAbs / 32767 : 1;
  const servingWeights = new Int16Array(dim);
  for (let i = 0; i < dim; i++) servingWeights[i] = Math.round(weights[i] / servingScale);
  return { dimBits: file.dimBits, threshold: file.threshold, cuePrior, weights, servingWeights, servingScale, space: createFeatureSpace(file.dimBits), meta };
}

/** Where the shipped model lives: `CX_EMOTION_MODEL`, else libs/emotion/model/ next to this source. */
export function defaultModelPath(): string {
  if (process.env.CX_EMOTION_MODEL) return process.env.CX_EMOTION_MODEL;
  const candidates = [
    path.resolve(__dirname, '..', 'model', DEFAULT_MODEL_FILE),
    path.resolve(process.cwd(), 'libs', 'emotion', 'model', DEFAULT_MODEL_FILE),
  ];
  for (const c of candidates) if (fs.existsSync(c)) return c;
  return candidates[0];
}

const cache = new Map<string, EmotionModel>();

/** Read and validate a model file, uncached (a reload sees the new file). Throws naming the path. */
export function readEmotionModel(file: string): EmotionModel {
  const p = path.resolve(file);
  try {
    return modelFromFile(JSON.parse(fs.readFileSync(p, 'utf8')) as EmotionModelFile);
  } catch (e) {
    throw new Error(`cannot load emotion model ${p}: ${(e as Error).message}`);
  }
}

/** Load (once per path and process) the model file. Throws with the path if it is missing or invalid. */
export function loadEmotionModel(file?: string): EmotionModel {
  const p = path.resolve(file ?? defaultModelPath());
  const hit = cache.get(p);
  if (hit) return hit;
  const model = readEmotionModel(p);
  cache.set(p, model);
  return model;
}

export function logit(weights: Float32Array, buf: FeatureBuffer): number {
  let z = 0;
  const idx = buf.idx;
  const val = buf.val;
  for (let i = 0; i < buf.n; i++) z += weights[idx[i]] * val[i];
  return z;
}

export function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

const TENANT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/**
 * Where a tenant's retrained model lives (written by `train:emotion --feedback`, loaded by the
 * emotion-detector): `<modelDir>/tenants/<tenant>/emotion-model.json`.
 */
export function tenantModelPath(modelDir: string, tenant: string): string {
  if (!TENANT_NAME.test(tenant) || tenant.includes('..')) throw new Error(`${JSON.stringify(tenant)} is not a valid tenant name`);
  return `${modelDir.replace(/\/+$/, '')}/tenants/${tenant}/${DEFAULT_MODEL_FILE}`;
}
