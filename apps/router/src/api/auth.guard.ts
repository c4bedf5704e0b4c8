import { CanActivate, ExecutionContext, Injectable, UnauthorizedException, createParamDecorator } from '@nestjs/common';
import type { Request } from 'express';
import type { Principal } from '@cx/routing';
import { ApiKeyRegistry } from './api-keys';

type AuthedRequest = Request & { principal?: Principal };

/**
 * Bearer API keys. EventSource cannot send headers, so the SSE stream alone also accepts
 * `?access_token=`; Express's access log is off, so the query string is not logged.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(private readonly keys: ApiKeyRegistry) {}

  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<AuthedRequest>();
    const header = req.headers.authorization;
    let token = header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
    if (!token && req.path === '/api/stream' && typeof req.query.access_token === 'string') token = req.query.access_token;
    const principal = this.keys.authenticate(token);
    if (!principal) throw new UnauthorizedException('a valid bearer API key is required');
    req.principal = principal;
    return true;
  }
}

export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  return ctx.switchToHttp().getRequest<AuthedRequest>().principal!;
});
