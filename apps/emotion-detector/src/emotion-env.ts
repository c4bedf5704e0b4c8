import { z } from 'zod';
import { BaseEnv, port } from '@cx/config';

export const EmotionEnv = BaseEnv.extend({
  EMOTION_PORT: port(3001),
  EMOTION_GROUP_ID: z.string().min(1).default('cx-emotion-detector'),
  /** Conversation state is kept this long after the last event (purpose-bound retention). */
  EMOTION_STATE_TTL_SECONDS: z.coerce.number().int().min(60).default(30 * 24 * 3600),
});
export type EmotionEnv = z.infer<typeof EmotionEnv>;
