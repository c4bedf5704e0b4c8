/*
 * The identity providers the router trusts for signed tokens: the `auth.oidc` section of
 * ROUTER_CONFIG_FILE (structured data per provider, which environment variables express badly).
 * Validated at start-up like every config: a bad field stops the router naming its path.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ConfigError } from '@cx/config';
import { describeZodError } from '@cx/contracts';

const ROLE = z.enum(['agent', 'supervisor', 'admin']);
/** Asymmetric JWS algorithms only: keys come from the provider's JWKS, never a shared secret. */
export const ASYMMETRIC_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'] as const;
const Algorithm = z.string().refine((a) => (ASYMMETRIC_ALGORITHMS as readonly string[]).includes(a), {
  error: (i) => `${String(i.input)} is not allowed: only asymmetric algorithms verified against the JWKS (${ASYMMETRIC_ALGORITHMS.join(', ')}); `
    + '"none" and HS* (shared secrets) are never accepted',
});

const isLoopback = (u: URL) => ['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname);
/** https, or http on the loopback interface (a provider run by a test or a developer). */
const SecureUrl = z.url().refine((s) => {
  const u = new URL(s);
  return u.protocol === 'https:' || (u.protocol === 'http:' && isLoopback(u));
}, 'must be an https URL (http only on 127.0.0.1/localhost)');

/** A claim name (`groups`), a dotted path into nested claims (`realm_access.roles`), or a URI-named claim. */
const ClaimPath = z.string().min(1).max(200);

export const OidcProvider = z.object({
  /** Short id: names the provider in the dashboard and in rate-limit keys. */
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'lower-case letters, digits and "-", at most 40'),
  /** Button label of the dashboard's sign-in. */
  name: z.string().min(1).max(80).optional(),
  /** Exactly the `iss` of its tokens; `<issuer>/.well-known/openid-configuration` is its discovery document. */
  issuer: SecureUrl,
  /** The token's `aud` must contain one of these (the API's identifier at the provider). */
  audience: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
  /** Default: `jwks_uri` of the discovery document. */
  jwksUri: SecureUrl.optional(),
  /** Allow-list of JWS algorithms. */
  algorithms: z.array(Algorithm).min(1).default(['RS256']),
  clockToleranceSeconds: z.number().int().min(0).max(300).default(30),
  /** Every token of this provider belongs to this tenant (one provider per tenant), or use `claims.tenant`. */
  tenant: z.string().regex(/^[A-Za-z0-9._-]{1,128}$/).optional(),
  claims: z.object({
    /** Claim holding the role (a string or a list; the highest mapped role wins). */
    role: ClaimPath.default('role'),
    /** Claim holding the tenant id, when `tenant` is not fixed. */
    tenant: ClaimPath.optional(),
    /** Claim holding the teams (a list or one string). */
    teams: ClaimPath.optional(),
    /** Claim holding the agent id the directory and routing know this person by. */
    agentId: ClaimPath.default('sub'),
  }).strict().prefault({}),
  /** Provider value → role, e.g. `{ cx-supervisor: supervisor }`; default: `agent`, `supervisor`, `admin` as they are. */
  roles: z.record(z.string().min(1), ROLE).optional(),
  /** Role of a token whose role claim maps to none; absent: such a token is refused (403). */
  defaultRole: ROLE.optional(),
  /** Offer this provider on the dashboard's sign-in page (authorization code + PKCE, a public client). */
  dashboard: z.object({
    clientId: z.string().min(1),
    scopes: z.array(z.string().regex(/^[\x21\x23-\x5B\x5D-\x7E]+$/, 'a scope token')).default(['openid', 'profile']),
  }).strict().optional(),
}).strict().superRefine((p, ctx) => {
  if (!p.tenant && !p.claims.tenant) ctx.addIssue({ code: 'custom', path: ['tenant'], message: 'set tenant (fixed) or claims.tenant (from the token)' });
  if (p.tenant && p.claims.tenant) ctx.addIssue({ code: 'custom', path: ['claims', 'tenant'], message: 'set either tenant or claims.tenant, not both' });
});
export type OidcProvider = z.infer<typeof OidcProvider>;

export const AuthSection = z.object({
  oidc: z.object({
    providers: z.array(OidcProvider).default([]),
  }).strict().prefault({}),
}).strict().superRefine((a, ctx) => {
  const seen = new Map<string, number>();
  a.oidc.providers.forEach((p, i) => {
    for (const key of [`id:${p.id}`, `iss:${p.issuer}`]) {
      if (seen.has(key)) ctx.addIssue({ code: 'custom', path: ['oidc', 'providers', i, key.startsWith('id') ? 'id' : 'issuer'], message: `same as providers[${seen.get(key)}]` });
      seen.set(key, i);
    }
  });
});
export type AuthSection = z.infer<typeof AuthSection>;

/** The `auth` section of ROUTER_CONFIG_FILE (none: API keys only). */
export function loadAuthSection(path: string | undefined): AuthSection {
  if (!path) return AuthSection.parse({});
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new ConfigError(`ROUTER_CONFIG_FILE: cannot read ${path}: ${(e as Error).message}`);
  }
  const section = raw && typeof raw === 'object' ? (raw as Record<string, unknown>).auth : undefined;
  const r = AuthSection.safeParse(section ?? {});
  if (!r.success) {
    const prefixed = new z.ZodError(r.error.issues.map((i) => ({ ...i, path: ['auth', ...i.path] })));
    throw new ConfigError(`ROUTER_CONFIG_FILE ${path}: ${describeZodError(prefixed)}`);
  }
  return r.data;
}
