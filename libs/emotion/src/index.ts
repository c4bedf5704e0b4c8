/** The public surface of @cx/emotion: what services, scripts and tests may import. */
export { EmotionConfigSchema, EMOTION_DEFAULTS } from './config';
export type { EmotionConfig } from './config';
export { createEmotionDetector, loadEmotionDetector, detectorWithModel, prepareMessage } from './detector';
export type { EmotionDetector, EmotionResult, DetectOptions, PreparedMessage } from './detector';
export { detectLanguage, normaliseLanguageHint } from './language';
export type { DetectedLanguage } from './language';
export { loadEmotionModel, readEmotionModel, defaultModelPath, tenantModelPath, MODEL_FORMAT, MODEL_VERSION } from './model';
export type { EmotionModel, EmotionModelFile } from './model';
export * from './conversation-signals';
