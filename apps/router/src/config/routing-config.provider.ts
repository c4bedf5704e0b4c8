/*
 * Per-tenant routing configuration from ROUTER_CONFIG_FILE, or the documented defaults. Validated
 * at start-up (a bad file stops it naming the field) and reloaded without a restart on SIGHUP and
 * when the file changes (libs/config ReloadableFile): an invalid new file leaves the old in force.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { ZodError } from 'zod';
import { ConfigError, ReloadableFile } from '@cx/config';
import { describeZodError } from '@cx/contracts';
import { DEFAULT_ROUTING_CONFIG, configForTenant, parseRoutingConfigFile, type RoutingConfig } from '@cx/routing';

type Parsed = ReturnType<typeof parseRoutingConfigFile>;

function parseFile(path: string | undefined): Parsed | undefined {
  if (!path) return undefined;
  try {
    return parseRoutingConfigFile(parseYaml(readFileSync(path, 'utf8')));
  } catch (e) {
    const why = e instanceof ZodError ? describeZodError(e) : (e as Error).message;
    throw new ConfigError(`ROUTER_CONFIG_FILE ${path}: ${why}`);
  }
}

export class TenantRoutingConfig {
  private constructor(readonly source: ReloadableFile<Parsed | undefined>) {}

  static load(path: string | undefined): TenantRoutingConfig {
    return new TenantRoutingConfig(new ReloadableFile({ name: 'ROUTER_CONFIG_FILE', path, load: parseFile }));
  }

  /** The tenants the file configures by name. */
  tenants(): string[] {
    return Object.keys(this.source.current()?.tenants ?? {});
  }

  forTenant(tenant: string): RoutingConfig {
    const file = this.source.current();
    return file ? configForTenant(file, tenant) : DEFAULT_ROUTING_CONFIG;
  }
}
