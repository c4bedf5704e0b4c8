import { z } from 'zod';
import { BaseEnv, port } from '@cx/config';
import { CONVERSATION_STATE_TTL_SECONDS } from '@cx/emotion';

export const EmotionEnv = BaseEnv.extend({
  EMOTION_PORT: port(3001),
  EMOTION_GROUP_ID: z.string().min(1).default('cx-emotion-detector'),
  /** Per-tenant detector settings, cue words and thresholds (YAML/JSON); defaults when unset. */
  EMOTION_TENANTS_FILE: z.string().min(1).optional(),
  /** Where tenants' retrained models are (`<dir>/tenants/<tenant>/emotion-model.json`, written by `train:emotion --feedback`). */
  EMOTION_MODEL_DIR: z.string().min(1).default('.models'),
  /** Conversation state is kept this long after the last event (purpose-bound retention). */
  EMOTION_STATE_TTL_SECONDS: z.coerce.number().int().min(60).default(CONVERSATION_STATE_TTL_SECONDS),
});
export type EmotionEnv = z.infer<typeof EmotionEnv>;
