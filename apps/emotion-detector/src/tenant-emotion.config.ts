/*
 * Per-tenant detectors and thresholds. Settings come from EMOTION_TENANTS_FILE (validated at
 * start-up, reloaded on SIGHUP and when it changes: libs/config ReloadableFile); a tenant's own
 * model, retrained from its supervisors' feedback by `train:emotion --feedback`, is picked up from
 * `EMOTION_MODEL_DIR/tenants/<tenant>/emotion-model.json` without a restart (its file is checked
 * every few seconds; a broken file is logged and the previous detector stays).
 */
import { Logger } from '@nestjs/common';
import { readFileSync, statSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ConfigError, ReloadableFile } from '@cx/config';
import { describeZodError } from '@cx/contracts';
import {
  ConversationSignalConfigSchema, CustomerRiskConfigSchema, EmotionConfigSchema, createEmotionDetector, loadEmotionDetector, tenantModelPath,
  type ConversationSignalConfig, type CustomerRiskConfig, type EmotionDetector,
} from '@cx/emotion';

const TenantSettings = z.object({
  detector: EmotionConfigSchema.default({}),
  conversation: ConversationSignalConfigSchema.default(ConversationSignalConfigSchema.parse({})),
  customerRisk: CustomerRiskConfigSchema.default(CustomerRiskConfigSchema.parse({})),
}).strict();
type Settings = z.infer<typeof TenantSettings>;

/** `EMOTION_TENANTS_FILE`: settings for all tenants, overridden per tenant (whole sections). */
export const EmotionTenantsFile = z.object({
  defaults: TenantSettings.default(TenantSettings.parse({})),
  tenants: z.record(z.string().min(1), TenantSettings.partial()).default({}),
}).strict();
type TenantsFile = z.infer<typeof EmotionTenantsFile>;

export interface TenantEmotion {
  detector: EmotionDetector;
  conversation: ConversationSignalConfig;
  customerRisk: CustomerRiskConfig;
  /** "tenant": the tenant's own retrained model; "shipped": the model in the repository. */
  model: 'tenant' | 'shipped';
}

function parseFile(path: string | undefined): TenantsFile {
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
    createEmotionDetector(r.data.defaults.detector);
    for (const t of Object.values(r.data.tenants)) if (t.detector) createEmotionDetector({ ...r.data.defaults.detector, ...t.detector });
  } catch (e) {
    throw new ConfigError(`EMOTION_TENANTS_FILE ${path ?? '(defaults)'}: ${(e as Error).message}`);
  }
  return r.data;
}

const mtimeOf = (file: string) => { try { return statSync(file).mtimeMs; } catch { return undefined; } };

export class TenantEmotionConfig {
  private readonly log = new Logger('TenantEmotion');
  private readonly built = new Map<string, TenantEmotion & { modelMtime?: number }>();
  private fallback!: TenantEmotion;
  private timer?: NodeJS.Timeout;

  private constructor(readonly source: ReloadableFile<TenantsFile>, private readonly modelDir: string | undefined) {
    this.rebuild();
    source.onChange(() => this.rebuild());
  }

  /** Loads and validates the settings; a bad file stops start-up with a message naming the field. */
  static load(path: string | undefined, modelDir?: string): TenantEmotionConfig {
    return new TenantEmotionConfig(new ReloadableFile({ name: 'EMOTION_TENANTS_FILE', path, load: parseFile }), modelDir);
  }

  forTenant(tenant: string): TenantEmotion {
    let t = this.built.get(tenant);
    if (!t) this.built.set(tenant, (t = this.build(tenant)));
    return t;
  }

  /** Starts watching the settings file and the tenants' model files. */
  start(pollMs = 2_000): void {
    this.source.start();
    if (!this.modelDir) return;
    this.timer = setInterval(() => this.checkModels(), pollMs);
    this.timer.unref();
  }

  stop(): void {
    this.source.stop();
    if (this.timer) clearInterval(this.timer);
  }

  private settingsOf(tenant: string): Settings {
    const file = this.source.current();
    return { ...file.defaults, ...(file.tenants[tenant] ?? {}) };
  }

  private build(tenant: string): TenantEmotion & { modelMtime?: number } {
    const s = this.settingsOf(tenant);
    const path = this.modelDir && tenant !== 'default' ? tenantModelPath(this.modelDir, tenant) : undefined;
    const modelMtime = path ? mtimeOf(path) : undefined;
    if (path && modelMtime !== undefined) {
      try {
        return { detector: loadEmotionDetector(path, s.detector), conversation: s.conversation, customerRisk: s.customerRisk, model: 'tenant', modelMtime };
      } catch (e) {
        this.log.error(`tenant ${tenant}: model ${path} not usable, the shipped model stays: ${(e as Error).message}`);
      }
    }
    return { ...this.fallbackFor(tenant, s), modelMtime };
  }

  private fallbackFor(tenant: string, s: Settings): TenantEmotion {
    if (!this.source.current().tenants[tenant]) return this.fallback;
    return { detector: createEmotionDetector(s.detector), conversation: s.conversation, customerRisk: s.customerRisk, model: 'shipped' };
  }

  private rebuild(): void {
    const d = this.source.current().defaults;
    this.fallback = { detector: createEmotionDetector(d.detector), conversation: d.conversation, customerRisk: d.customerRisk, model: 'shipped' };
    for (const tenant of [...this.built.keys()]) this.built.set(tenant, this.build(tenant));
  }

  /** A tenant model written (or replaced) since it was loaded is loaded again. */
  checkModels(): void {
    for (const [tenant, t] of this.built) {
      if (!this.modelDir || tenant === 'default') continue;
      const m = mtimeOf(tenantModelPath(this.modelDir, tenant));
      if (m === t.modelMtime) continue;
      const next = this.build(tenant);
      this.built.set(tenant, next);
      this.log.log(`tenant ${tenant}: ${next.model === 'tenant' ? 'loaded its retrained model' : 'back on the shipped model'}`);
    }
  }
}
