/** Per-tenant detector settings (EMOTION_TENANTS_FILE sections) and their defaults, validated once at start-up. */
import { z } from 'zod';

const CueWords = z.array(z.string().trim().min(1).max(64)).max(1000);

/** Per-tenant (and per-service) detector configuration. Validate with `EmotionConfigSchema.parse`. */
export const EmotionConfigSchema = z.object({
  /** Decision threshold on the model probability (0..1); default: the one stored in the model. */
  threshold: z.number().min(0).max(1).optional(),
  /** Extra negative cue words per language (literal; German ones also match inside compounds). */
  extraNegativeCues: z.object({ en: CueWords.optional(), de: CueWords.optional() }).strict().optional(),
  /**
   * A flag is a flag *with evidence*: when no cue fired, the model alone must be at least this
   * sure. Measured on the held-out split and the out-of-domain set (libs/emotion/README.md).
   */
  modelOnlyThreshold: z.number().min(0).max(1).optional(),
  /**
   * A flag whose only cues state a fact ("lost", "Fehler", "delayed") or are intent tags needs the
   * model at least this sure: between `threshold` (emotional evidence) and `modelOnlyThreshold` (none).
   */
  factThreshold: z.number().min(0).max(1).optional(),
  /** How much one tenant cue word adds to the log-odds, on top of what the model learnt for cue words. */
  extraCueWeight: z.number().min(0).max(10).optional(),
  /** Text beyond this many characters is cut off (`truncated: true`). */
  maxChars: z.number().int().min(50).max(200_000).optional(),
  /** At most this many evidence items per message. */
  maxEvidence: z.number().int().min(1).max(32).optional(),
  /** Model file to load instead of the shipped one (service-level setting). */
  modelPath: z.string().min(1).optional(),
}).strict();

export type EmotionConfig = z.infer<typeof EmotionConfigSchema>;

export const EMOTION_DEFAULTS = {
  maxChars: 5000,
  maxEvidence: 8,
  extraCueWeight: 1.0,
  modelOnlyThreshold: 0.6,
  factThreshold: 0.55,
} as const;
