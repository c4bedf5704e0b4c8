/*
 * Verifies OIDC / JWT access tokens of the configured providers with `jose`: signature against
 * the provider's JWKS (fetched on first use and cached; an unknown `kid` refetches it, at most
 * once per cooldown, which is how key rotation is picked up), issuer, audience, expiry and the
 * provider's algorithm allow-list. Only then are the claims mapped to a principal.
 */
import { Logger } from '@nestjs/common';
import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, errors, jwtVerify, type JWTPayload } from 'jose';
import type { CspSource } from '@cx/http';
import type { Principal } from '@cx/routing';
import { mapClaims } from './claim-mapping';
import type { OidcProvider } from './oidc-config';

/** What the dashboard needs of a provider's discovery document. */
export interface Discovery {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  jwks_uri: string;
  end_session_endpoint?: string;
}

export type TokenFailure = 'invalid_token' | 'expired_token' | 'unknown_issuer' | 'no_role' | 'provider_unavailable';
export type VerifiedToken =
  | { ok: true; principal: Principal; subject: string; expiresAt: number }
  | { ok: false; reason: TokenFailure; message: string };

const JWS_COMPACT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;
/** A provider that does not answer is asked again only after this long (a token storm must not become an IdP storm). */
const DISCOVERY_RETRY_MS = 10_000;

/** One provider: its discovery document and key set, each fetched once and shared by all requests. */
export class OidcProviderClient {
  private readonly log: Logger;
  private discovery?: Promise<Discovery>;
  /** The discovery document once fetched (for synchronous readers such as the CSP). */
  discovered?: Discovery;
  private jwks?: ReturnType<typeof createRemoteJWKSet>;
  private lastWarn = 0;

  /** `jwksCooldownMs`: an unknown `kid` refetches the key set at most this often (default 30 s). */
  constructor(readonly config: OidcProvider, private readonly opts: { jwksCooldownMs?: number } = {}) {
    this.log = new Logger(`oidc:${config.id}`);
  }

  /** The discovery document (cached; a failure is retried after DISCOVERY_RETRY_MS). */
  discover(): Promise<Discovery> {
    this.discovery ??= this.fetchDiscovery().then((d) => (this.discovered = d), (e: Error) => {
      this.log.warn(`discovery failed: ${e.message}`);
      setTimeout(() => { this.discovery = undefined; }, DISCOVERY_RETRY_MS).unref();
      throw e;
    });
    return this.discovery;
  }

  private async fetchDiscovery(): Promise<Discovery> {
    const url = `${this.config.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
    const res = await fetch(url, { signal: AbortSignal.timeout(5000), redirect: 'error', headers: { accept: 'application/json' } });
    if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
    const doc = await res.json() as Partial<Discovery>;
    // OpenID Connect Discovery §4.3: the document's issuer must be exactly the one we trust.
    if (doc.issuer !== this.config.issuer) throw new Error(`${url}: issuer "${doc.issuer}" differs from the configured "${this.config.issuer}"`);
    for (const k of ['authorization_endpoint', 'token_endpoint', 'jwks_uri'] as const) {
      if (typeof doc[k] !== 'string') throw new Error(`${url}: ${k} is missing`);
    }
    return doc as Discovery;
  }

  private async keySet(): Promise<ReturnType<typeof createRemoteJWKSet>> {
    if (!this.jwks) {
      const uri = this.config.jwksUri ?? (await this.discover()).jwks_uri;
      this.jwks ??= createRemoteJWKSet(new URL(uri), { timeoutDuration: 5000, cooldownDuration: this.opts.jwksCooldownMs ?? 30_000, cacheMaxAge: 10 * 60_000 });
    }
    return this.jwks;
  }

  async verify(token: string): Promise<VerifiedToken> {
    const p = this.config;
    const header = decodeProtectedHeader(token);
    // jose enforces the allow-list too; checking first keeps "none" and HS* away from any key lookup.
    if (typeof header.alg !== 'string' || !p.algorithms.includes(header.alg)) {
      return { ok: false, reason: 'invalid_token', message: `algorithm ${String(header.alg)} is not allowed` };
    }
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, await this.keySet(), {
        issuer: p.issuer, audience: p.audience, algorithms: p.algorithms, clockTolerance: p.clockToleranceSeconds, requiredClaims: ['exp', 'sub'],
      }));
    } catch (e) {
      if (e instanceof errors.JWTExpired) return { ok: false, reason: 'expired_token', message: 'the token has expired' };
      // jose's claim messages name the claim (`unexpected "aud" claim value`), never a value of the token.
      if (e instanceof errors.JWTClaimValidationFailed) return { ok: false, reason: 'invalid_token', message: `the token was refused: ${e.message}` };
      if (e instanceof errors.JOSEError && !(e instanceof errors.JWKSTimeout)) {
        return { ok: false, reason: 'invalid_token', message: `the token was refused (${e.code})` };
      }
      // Discovery or the key set could not be fetched: the provider's fault, not the client's.
      if (Date.now() - this.lastWarn > DISCOVERY_RETRY_MS) {
        this.lastWarn = Date.now();
        this.log.warn(`cannot verify tokens: ${(e as Error).message}`);
      }
      return { ok: false, reason: 'provider_unavailable', message: 'the identity provider cannot be reached' };
    }
    const mapped = mapClaims(p, payload as Record<string, unknown>);
    if (!mapped.ok) return { ok: false, reason: 'no_role', message: mapped.reason };
    return { ok: true, principal: mapped.principal, subject: `oidc:${p.id}:${payload.sub}`, expiresAt: payload.exp! * 1000 };
  }
}

/** All configured providers, chosen by the token's (unverified) issuer; the verification then pins it. */
export class OidcVerifier {
  private readonly byIssuer = new Map<string, OidcProviderClient>();

  constructor(readonly providers: OidcProviderClient[]) {
    for (const p of providers) this.byIssuer.set(p.config.issuer, p);
  }

  get enabled(): boolean { return this.providers.length > 0; }

  /** Whether a bearer value has the shape of a signed token at all (else it can only be an API key). */
  static looksLikeJwt(token: string): boolean {
    return token.length < 16_384 && JWS_COMPACT.test(token);
  }

  async verify(token: string): Promise<VerifiedToken> {
    let iss: unknown;
    try {
      iss = decodeJwt(token).iss;
      decodeProtectedHeader(token);
    } catch {
      return { ok: false, reason: 'invalid_token', message: 'not a well-formed token' };
    }
    const provider = typeof iss === 'string' ? this.byIssuer.get(iss) : undefined;
    if (!provider) return { ok: false, reason: 'unknown_issuer', message: 'the token\'s issuer is not configured' };
    return provider.verify(token);
  }
}

/**
 * `connect-src` for the dashboard's sign-in: the browser fetches tokens from the provider. Its
 * issuer's origin always; a token endpoint on another origin once discovery has named it.
 */
export function oidcConnectSources(v: OidcVerifier): CspSource[] {
  const offered = v.providers.filter((p) => p.config.dashboard);
  if (!offered.length) return [];
  const issuers = [...new Set(offered.map((p) => new URL(p.config.issuer).origin))];
  const tokenOrigins = () => {
    const extra = offered.map((p) => p.discovered && new URL(p.discovered.token_endpoint).origin).filter((o): o is string => !!o && !issuers.includes(o));
    return [...new Set(extra)].join(' ') || issuers[0];
  };
  return [...issuers, tokenOrigins];
}
