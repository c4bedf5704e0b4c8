import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ConfigError } from '@cx/config';
import { describeZodError } from '@cx/contracts';
import type { Principal } from '@cx/routing';

const KeyEntry = z.object({
  role: z.enum(['agent', 'supervisor', 'admin']),
  tenant: z.string().min(1).default('default'),
  teams: z.array(z.string()).default([]),
  agentId: z.string().optional(),
  name: z.string().optional(),
});
/** Keys may be given in plain text or as `sha256:<hex>` so the file need not hold secrets. */
const KeysFile = z.record(z.string().min(16, 'keys must be at least 16 characters'), KeyEntry);

export const hashKey = (key: string) => createHash('sha256').update(key).digest('hex');

/** API keys held only as SHA-256 digests; a bearer token is hashed and looked up, never logged. */
export class ApiKeyRegistry {
  private constructor(private readonly byHash: Map<string, Principal>) {}

  static fromFile(path: string): ApiKeyRegistry {
    let raw: unknown;
    try {
      raw = parseYaml(readFileSync(path, 'utf8'));
    } catch (e) {
      throw new ConfigError(`ROUTER_API_KEYS_FILE: cannot read ${path}: ${(e as Error).message}`);
    }
    const r = KeysFile.safeParse(raw);
    if (!r.success) throw new ConfigError(`ROUTER_API_KEYS_FILE ${path}: ${describeZodError(r.error)}`);
    return ApiKeyRegistry.fromEntries(r.data);
  }

  static fromEntries(entries: z.input<typeof KeysFile>): ApiKeyRegistry {
    const map = new Map<string, Principal>();
    for (const [key, value] of Object.entries(KeysFile.parse(entries))) {
      const digest = key.startsWith('sha256:') ? key.slice(7).toLowerCase() : hashKey(key);
      map.set(digest, { role: value.role, tenant: value.tenant, teams: value.teams, agentId: value.agentId });
    }
    return new ApiKeyRegistry(map);
  }

  /** The tenants the keys belong to (a bounded set: what the file names). */
  tenants(): string[] {
    return [...new Set([...this.byHash.values()].map((p) => p.tenant))];
  }

  authenticate(token: string | undefined): Principal | undefined {
    return this.identify(token)?.principal;
  }

  /** The principal of a key and a stable, non-secret name for it (rate limits count per key). */
  identify(token: string | undefined): { principal: Principal; subject: string } | undefined {
    if (!token) return undefined;
    const digest = hashKey(token);
    const principal = this.byHash.get(digest);
    return principal && { principal, subject: `key:${digest.slice(0, 16)}` };
  }
}
