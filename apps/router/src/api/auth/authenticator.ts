/*
 * Who is calling: a bearer value is an API key (machines) or a signed token of a configured
 * identity provider (people, via single sign-on). API keys are tried first because a hash
 * lookup is cheaper than a signature check; a value that is not a known key and does not look
 * like a JWT is refused without any crypto.
 */
import { Injectable } from '@nestjs/common';
import type { Principal } from '@cx/routing';
import { ApiKeyRegistry } from '../api-keys';
import { OidcVerifier, type TokenFailure } from './oidc-verifier';

export interface Authenticated {
  principal: Principal;
  /** Stable, non-secret name of the credential's owner: what rate limits count by. */
  subject: string;
  via: 'api_key' | 'oidc' | 'ticket';
  /** Epoch ms after which the credential is no longer valid (signed tokens); streams end then. */
  expiresAt?: number;
}

export type AuthFailureReason = 'missing' | 'unknown_key' | 'bad_ticket' | TokenFailure;
export interface AuthFailure { reason: AuthFailureReason; message: string }

@Injectable()
export class Authenticator {
  constructor(private readonly keys: ApiKeyRegistry, private readonly oidc: OidcVerifier) {}

  async bearer(token: string): Promise<Authenticated | AuthFailure> {
    const key = this.keys.identify(token);
    if (key) return { ...key, via: 'api_key' };
    if (!this.oidc.enabled || !OidcVerifier.looksLikeJwt(token)) {
      return { reason: 'unknown_key', message: 'a valid bearer API key or signed token is required' };
    }
    const v = await this.oidc.verify(token);
    if (!v.ok) return { reason: v.reason, message: v.message };
    return { principal: v.principal, subject: v.subject, via: 'oidc', expiresAt: v.expiresAt };
  }
}

export const isFailure = (a: Authenticated | AuthFailure): a is AuthFailure => 'reason' in a;
