/*
 * The sign-in side of the API: what a dashboard may sign in with (public), who the caller is,
 * and the single-use tickets that open a live stream without a secret in its URL.
 */
import { Controller, Logger } from '@nestjs/common';
import type { z } from 'zod';
import { ApiRoute } from '../api-route.decorator';
import { CurrentAuth } from '../auth.guard';
import { ROUTES, type AuthConfig, type WhoAmI } from '../routes';
import type { Authenticated } from './authenticator';
import { OidcVerifier } from './oidc-verifier';
import { StreamTickets } from './stream-tickets';

@Controller()
export class AuthController {
  private readonly log = new Logger('AuthController');

  constructor(private readonly oidc: OidcVerifier, private readonly tickets: StreamTickets) {}

  @ApiRoute(ROUTES.authConfig)
  async config(): Promise<z.infer<typeof AuthConfig>> {
    const offered = this.oidc.providers.filter((p) => p.config.dashboard);
    const resolved = await Promise.all(offered.map(async (p) => {
      try {
        const d = await p.discover();
        const c = p.config;
        return {
          id: c.id, name: c.name ?? c.id, issuer: c.issuer, clientId: c.dashboard!.clientId, scopes: c.dashboard!.scopes,
          authorizationEndpoint: d.authorization_endpoint, tokenEndpoint: d.token_endpoint,
          ...(d.end_session_endpoint ? { endSessionEndpoint: d.end_session_endpoint } : {}),
        };
      } catch {
        return undefined; // discovery is retried later; API keys still work meanwhile
      }
    }));
    const providers = resolved.filter((p): p is NonNullable<typeof p> => p !== undefined);
    if (providers.length < offered.length) this.log.warn(`${offered.length - providers.length} identity provider(s) not offered: discovery failed`);
    return { apiKeys: true, providers };
  }

  @ApiRoute(ROUTES.whoAmI)
  me(@CurrentAuth() auth: Authenticated): z.infer<typeof WhoAmI> {
    const { role, tenant, teams, agentId } = auth.principal;
    return {
      role, tenant, teams: [...teams], ...(agentId ? { agentId } : {}), via: auth.via,
      ...(auth.expiresAt ? { expiresAt: new Date(auth.expiresAt).toISOString() } : {}),
    };
  }

  @ApiRoute(ROUTES.createStreamTicket)
  createTicket(@CurrentAuth() auth: Authenticated) {
    return this.tickets.issue(auth);
  }
}
