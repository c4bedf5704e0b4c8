import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ConfigError } from '@cx/config';
import { describeZodError } from '@cx/contracts';
import {
  ConversationSignalConfigSchema, CustomerRiskConfigSchema, EmotionConfigSchema, createEmotionDetector,
  type ConversationSignalConfig, type CustomerRiskConfig, type EmotionDetector,
} from '@cx/emotion';

const TenantSettings = z.object({
  detector: EmotionConfigSchema.default({}),
  conversation: ConversationSignalConfigSchema.default(ConversationSignalConfigSchema.parse({})),
  customerRisk: CustomerRiskConfigSchema.default(CustomerRiskConfigSchema.parse({})),
}).strict();

/** `EMOTION_TENANTS_FILE`: settings for all tenants, overridden per tenant (whole sections). */
export const EmotionTenantsFile = z.object({
  defaults: TenantSettings.default(TenantSettings.parse({})),
  tenants: z.record(z.string().min(1), TenantSettings.partial()).default({}),
}).strict();

export interface TenantEmotion {
  detector: EmotionDetector;
  conversation: ConversationSignalConfig;
  customerRisk: CustomerRiskConfig;
}

/** Per-tenant detectors and thresholds, built once at start-up (the model itself is loaded once). */
export class TenantEmotionConfig {
  private readonly byTenant = new Map<string, TenantEmotion>();
  private readonly fallback: TenantEmotion;

  constructor(file: z.infer<typeof EmotionTenantsFile>) {
    const build = (s: z.infer<typeof TenantSettings>): TenantEmotion => ({
      detector: createEmotionDetector(s.detector), conversation: s.conversation, customerRisk: s.customerRisk,
    });
    this.fallback = build(file.defaults);
    for (const [tenant, over] of Object.entries(file.tenants)) this.byTenant.set(tenant, build({ ...file.defaults, ...over }));
  }

  static load(path: string | undefined): TenantEmotionConfig {
    let raw: unknown = {};
    if (path) {
      try {
        raw = parseYaml(readFileSync(path, 'utf8')) ?? {};
      } catch (e) {
        throw new ConfigError(`EMOTION_TENANTS_FILE: cannot read ${path}: ${(e as Error).message}`);
      }
    }
    const r = EmotionTenantsFile.safeParse(raw);
    if (!r.success) throw new ConfigError(`EMOTION_TENANTS_FILE ${path}: ${describeZodError(r.error)}`);
    try {
      return new TenantEmotionConfig(r.data);
    } catch (e) {
      throw new ConfigError(`EMOTION_TENANTS_FILE ${path ?? '(defaults)'}: ${(e as Error).message}`);
    }
  }

  forTenant(tenant: string): TenantEmotion {
    return this.byTenant.get(tenant) ?? this.fallback;
  }
}
