import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultModelPath, tenantModelPath } from '@cx/emotion';
import { TenantEmotionConfig } from './tenant-emotion.config';

describe('TenantEmotionConfig', () => {
  it('picks up a tenant\'s retrained model without a restart, and keeps the previous detector when the file is broken', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cx-models-'));
    const config = TenantEmotionConfig.load(undefined, dir);
    expect(config.forTenant('acme').model).toBe('shipped');
    const file = tenantModelPath(dir, 'acme');
    mkdirSync(join(dir, 'tenants', 'acme'), { recursive: true });
    copyFileSync(defaultModelPath(), file);
    config.checkModels();
    expect(config.forTenant('acme').model).toBe('tenant');
    expect(config.forTenant('other').model).toBe('shipped'); // other tenants are unaffected
    writeFileSync(file, '{"not":"a model"}');
    config.checkModels();
    expect(config.forTenant('acme').model).toBe('shipped');
  });

  it('stops start-up on a bad settings file, naming the field', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cx-tenants-'));
    const file = join(dir, 'tenants.yaml');
    writeFileSync(file, 'defaults: { detector: { threshold: 7 } }\n');
    expect(() => TenantEmotionConfig.load(file)).toThrow(/EMOTION_TENANTS_FILE .*detector\.threshold/);
  });
});
