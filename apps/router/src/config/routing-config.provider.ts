import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { ZodError } from 'zod';
import { ConfigError } from '@cx/config';
import { describeZodError } from '@cx/contracts';
import { DEFAULT_ROUTING_CONFIG, configForTenant, parseRoutingConfigFile, type RoutingConfig } from '@cx/routing';

/** Per-tenant routing configuration from ROUTER_CONFIG_FILE, or the documented defaults. */
export class TenantRoutingConfig {
  constructor(private readonly file?: ReturnType<typeof parseRoutingConfigFile>) {}

  static load(path: string | undefined): TenantRoutingConfig {
    if (!path) return new TenantRoutingConfig();
    try {
      return new TenantRoutingConfig(parseRoutingConfigFile(parseYaml(readFileSync(path, 'utf8'))));
    } catch (e) {
      const why = e instanceof ZodError ? describeZodError(e) : (e as Error).message;
      throw new ConfigError(`ROUTER_CONFIG_FILE ${path}: ${why}`);
    }
  }

  /** The tenants the file configures by name. */
  tenants(): string[] {
    return Object.keys(this.file?.tenants ?? {});
  }

  forTenant(tenant: string): RoutingConfig {
    return this.file ? configForTenant(this.file, tenant) : DEFAULT_ROUTING_CONFIG;
  }
}
