/*
 * A real OpenID provider for the security tests (Keycloak, see scripts/keycloak.js) and the
 * client side of its authorization-code + PKCE flow driven with plain HTTP requests: the login
 * form is fetched, filled and posted as a browser would, cookies included.
 */
import { createHash, randomBytes } from 'node:crypto';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const keycloak = require('../../scripts/keycloak.js') as {
  ensure(): Promise<string>;
  start(o?: { port?: number }): Promise<{ url: string; issuer: string; pid: number; stop(): Promise<void> }>;
};

/** Users of deploy/keycloak/cx-realm.json. */
export const KC_USERS = {
  sup1: { username: 'sup1', password: 'sup1-password-0123' },
  a1: { username: 'a1', password: 'a1-password-0123' },
} as const;

export async function startKeycloak() {
  await keycloak.ensure();
  return keycloak.start();
}

export interface Discovery { issuer: string; authorization_endpoint: string; token_endpoint: string; jwks_uri: string }
export interface Tokens { access_token: string; refresh_token?: string; id_token?: string; expires_in: number }

export async function discover(issuer: string): Promise<Discovery> {
  return (await fetch(`${issuer}/.well-known/openid-configuration`)).json() as Promise<Discovery>;
}

export function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

class CookieJar {
  private readonly jar = new Map<string, string>();
  keep(res: Response): void {
    for (const c of res.headers.getSetCookie()) {
      const [kv] = c.split(';');
      const i = kv.indexOf('=');
      this.jar.set(kv.slice(0, i).trim(), kv.slice(i + 1));
    }
  }
  header(): string { return [...this.jar].map(([k, v]) => `${k}=${v}`).join('; '); }
}

/**
 * Signs `user` in at the provider's login form and returns the authorization code the provider
 * redirects back with, and every URL the "browser" visited on the way.
 */
export async function authorize(d: Discovery, o: { clientId: string; redirectUri: string; challenge: string; username: string; password: string }) {
  const urls: string[] = [];
  const state = randomBytes(16).toString('base64url');
  const start = new URL(d.authorization_endpoint);
  for (const [k, v] of Object.entries({
    response_type: 'code', client_id: o.clientId, redirect_uri: o.redirectUri, scope: 'openid profile', state,
    nonce: randomBytes(16).toString('base64url'), code_challenge: o.challenge, code_challenge_method: 'S256',
  })) start.searchParams.set(k, v);
  const jar = new CookieJar();
  urls.push(start.toString());
  const page = await fetch(start, { redirect: 'manual' });
  jar.keep(page);
  const html = await page.text();
  const action = /<form[^>]*\baction="([^"]+)"/.exec(html)?.[1]?.replace(/&amp;/g, '&');
  if (!action) throw new Error(`no login form at ${d.authorization_endpoint} (HTTP ${page.status})`);
  urls.push(action);
  const posted = await fetch(action, {
    method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: jar.header() },
    body: new URLSearchParams({ username: o.username, password: o.password, credentialId: '' }),
  });
  const location = posted.headers.get('location');
  if (posted.status !== 302 || !location) throw new Error(`login was not accepted (HTTP ${posted.status})`);
  urls.push(location);
  const back = new URL(location);
  if (back.searchParams.get('state') !== state) throw new Error('state did not come back');
  return { code: back.searchParams.get('code')!, urls };
}

export async function tokenRequest(d: Discovery, params: Record<string, string>): Promise<{ status: number; body: Tokens & { error?: string } }> {
  const res = await fetch(d.token_endpoint, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(params) });
  return { status: res.status, body: await res.json() as Tokens & { error?: string } };
}

/** The routing config of the security tests: no routing rules, two identity providers. */
export function securityRoutingConfig(keycloakIssuer: string, testIssuer: string) {
  return {
    auth: {
      oidc: {
        providers: [
          {
            id: 'keycloak', name: 'Keycloak', issuer: keycloakIssuer, audience: 'cx-router', tenant: 'default',
            claims: { role: 'realm_access.roles', teams: 'groups', agentId: 'preferred_username' },
            roles: { 'cx-agent': 'agent', 'cx-supervisor': 'supervisor', 'cx-admin': 'admin' },
            dashboard: { clientId: 'cx-dashboard', scopes: ['openid', 'profile'] },
          },
          { id: 'jose', issuer: testIssuer, audience: 'cx-router', clockToleranceSeconds: 0, claims: { tenant: 'tenant', role: 'role' } },
        ],
      },
    },
  };
}
