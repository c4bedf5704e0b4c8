// GATEWAY_CONNECTORS_FILE (docs/connectors.md): each tenant's secrets per connector, validated at start-up
// so a typo stops the gateway naming the field. Parse errors never echo the file's text: it holds
// secrets, and a YAML error message would quote the offending line.
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ConfigError } from '@cx/config';
import { describeZodError } from '@cx/contracts';

export const CONNECTOR_NAMES = ['chatwoot', 'zendesk', 'twilio', 'amazon-connect', 'cloudevents'] as const;
export type ConnectorName = (typeof CONNECTOR_NAMES)[number];

const platformSecret = z.string().min(1, 'must not be empty');
/** Bearer tokens are ours to choose: long enough not to be guessed. */
const bearerToken = z.string().min(16, 'must be at least 16 characters');

const ChatwootConfig = z.object({
  secret: platformSecret.optional(),
  /** Admits deliveries of old Chatwoot versions that sign nothing; a signed delivery is still checked. */
  allowUnsigned: z.boolean().default(false),
}).strict().refine((c) => c.secret !== undefined || c.allowUnsigned, { message: 'needs a secret (or allowUnsigned: true)', path: ['secret'] });

const ZendeskConfig = z.object({ secret: platformSecret }).strict();

const TwilioConfig = z.object({
  authToken: platformSecret,
  /** The base URL Twilio calls; its signature covers publicUrl + path + query. */
  publicUrl: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).transform((u) => u.replace(/\/+$/, '')),
}).strict();

const TokenConfig = z.object({ token: bearerToken }).strict();

export const TenantConnectors = z.object({
  chatwoot: ChatwootConfig.optional(),
  zendesk: ZendeskConfig.optional(),
  twilio: TwilioConfig.optional(),
  'amazon-connect': TokenConfig.optional(),
  cloudevents: TokenConfig.optional(),
}).strict();
export type TenantConnectors = z.infer<typeof TenantConnectors>;

export const ConnectorsFile = z.object({
  tenants: z.record(z.string(), TenantConnectors).superRefine((tenants, ctx) => {
    for (const name of Object.keys(tenants)) {
      if (!/^[A-Za-z0-9._-]{1,128}$/.test(name)) {
        ctx.addIssue({ code: 'custom', path: [name], message: 'tenant names: 1-128 letters, digits, ".", "_" or "-" (they appear in URLs)' });
      }
    }
  }),
}).strict();
export type ConnectorsFile = z.infer<typeof ConnectorsFile>;

/** The secrets of every tenant, looked up per request. */
export class ConnectorDirectory {
  private readonly tenants: Map<string, TenantConnectors>;

  constructor(file: ConnectorsFile) {
    this.tenants = new Map(Object.entries(file.tenants));
  }

  /** Parses a file's text (YAML is a superset of JSON); `origin` names it in errors. */
  static parse(text: string, origin: string): ConnectorDirectory {
    let raw: unknown;
    try {
      raw = parseYaml(text);
    } catch (e) {
      const pos = (e as { linePos?: { line: number; col: number }[] }).linePos?.[0];
      throw new ConfigError(`GATEWAY_CONNECTORS_FILE ${origin}: not valid YAML/JSON${pos ? ` (line ${pos.line}, column ${pos.col})` : ''}`);
    }
    const r = ConnectorsFile.safeParse(raw ?? {});
    if (!r.success) throw new ConfigError(`GATEWAY_CONNECTORS_FILE ${origin}: ${describeZodError(r.error)}`);
    return new ConnectorDirectory(r.data);
  }

  static load(path: string): ConnectorDirectory {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (e) {
      throw new ConfigError(`GATEWAY_CONNECTORS_FILE: cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`);
    }
    return ConnectorDirectory.parse(text, path);
  }

  hasTenant(tenant: string): boolean {
    return this.tenants.has(tenant);
  }

  /** The tenant's configuration of one connector, or undefined when it has none. */
  config<C extends ConnectorName>(tenant: string, connector: C): TenantConnectors[C] | undefined {
    return this.tenants.get(tenant)?.[connector];
  }

  /** For start-up logs: names only, never secrets. */
  summary(): string {
    return [...this.tenants].map(([t, c]) => `${t} (${Object.keys(c).join(', ') || 'no connectors'})`).join('; ');
  }
}

export const isConnectorName = (s: string): s is ConnectorName => (CONNECTOR_NAMES as readonly string[]).includes(s);
