/*
 * Verified token claims → the router's principal (role, tenant, teams, agent id), as one
 * provider's configuration says. Pure: the same claims always give the same principal, and a
 * token whose claims do not say who it is for is refused rather than guessed at.
 */
import type { Principal } from '@cx/routing';
import type { OidcProvider } from './oidc-config';

type Role = Principal['role'];
const RANK: Record<Role, number> = { agent: 1, supervisor: 2, admin: 3 };
const IDENTITY: Record<string, Role> = { agent: 'agent', supervisor: 'supervisor', admin: 'admin' };
const TENANT = /^[A-Za-z0-9._-]{1,128}$/;

/** A claim by exact name first (`https://example.com/tenant`), else by dotted path (`realm_access.roles`). */
export function claimAt(claims: Record<string, unknown>, path: string): unknown {
  if (Object.prototype.hasOwnProperty.call(claims, path)) return claims[path];
  let node: unknown = claims;
  for (const part of path.split('.')) {
    if (!node || typeof node !== 'object' || Array.isArray(node) || !Object.prototype.hasOwnProperty.call(node, part)) return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

const strings = (v: unknown): string[] =>
  typeof v === 'string' ? [v] : Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];

export type Mapped = { ok: true; principal: Principal } | { ok: false; reason: string };

export function mapClaims(provider: OidcProvider, claims: Record<string, unknown>): Mapped {
  const table = provider.roles ?? IDENTITY;
  let role: Role | undefined;
  for (const value of strings(claimAt(claims, provider.claims.role))) {
    const r = Object.prototype.hasOwnProperty.call(table, value) ? table[value] : undefined;
    if (r && (!role || RANK[r] > RANK[role])) role = r;
  }
  role ??= provider.defaultRole;
  if (!role) return { ok: false, reason: `the token's ${provider.claims.role} claim names no role` };

  const tenant = provider.tenant ?? claimAt(claims, provider.claims.tenant!);
  if (typeof tenant !== 'string' || !TENANT.test(tenant)) return { ok: false, reason: `the token's ${provider.claims.tenant} claim names no tenant` };

  const agentId = claimAt(claims, provider.claims.agentId);
  if (agentId !== undefined && (typeof agentId !== 'string' || !agentId || agentId.length > 256)) {
    return { ok: false, reason: `the token's ${provider.claims.agentId} claim is not an agent id` };
  }
  // An agent's visibility is its agent id: without one an agent token would see nothing it should.
  if (role === 'agent' && !agentId) return { ok: false, reason: `an agent token needs the ${provider.claims.agentId} claim` };

  const teams = provider.claims.teams ? [...new Set(strings(claimAt(claims, provider.claims.teams)))] : [];
  return { ok: true, principal: { role, tenant, teams, ...(agentId ? { agentId: agentId as string } : {}) } };
}
