/*
 * The gate of every API route: authenticates the caller as its route table entry requires
 * (bearer API key or signed token; a single-use ticket where EventSource needs one), then
 * spends the principal's budget of the route's class. The query-string API key is gone: no
 * long-lived secret is ever accepted from a URL.
 */
import { CanActivate, ExecutionContext, ForbiddenException, HttpException, HttpStatus, Injectable, ServiceUnavailableException,
  UnauthorizedException, createParamDecorator } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Principal } from '@cx/routing';
import { Authenticator, isFailure, type Authenticated, type AuthFailure } from './auth/authenticator';
import { RateLimits, type RateClass } from './auth/rate-limits';
import { StreamTickets } from './auth/stream-tickets';
import { routeOf } from './route-metadata';

export type AuthedRequest = Request & { principal?: Principal; auth?: Authenticated };

@Injectable()
export class AuthGuard implements CanActivate {
  constructor(private readonly authenticator: Authenticator, private readonly tickets: StreamTickets, private readonly limits: RateLimits) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const def = routeOf(context);
    if (!def) throw new Error(`${context.getClass().name}.${context.getHandler().name} has no route table entry (@ApiRoute)`);
    const req = context.switchToHttp().getRequest<AuthedRequest>();
    const res = context.switchToHttp().getResponse<Response>();
    const client = `ip:${req.ip ?? req.socket.remoteAddress ?? 'unknown'}`;
    if (def.auth === 'none') {
      this.spend(res, def.rateClass as RateClass, client);
      return true;
    }
    const result = await this.authenticate(req, def.auth === 'bearer-or-ticket');
    if (isFailure(result)) {
      this.limits.failed(result.reason);
      this.spend(res, 'unauthenticated', client); // 429 instead of 401 once an address keeps guessing
      if (result.reason === 'no_role') throw new ForbiddenException(result.message);
      if (result.reason === 'provider_unavailable') {
        res.setHeader('Retry-After', '10');
        throw new ServiceUnavailableException(result.message);
      }
      throw new UnauthorizedException(result.message);
    }
    req.auth = result;
    req.principal = result.principal;
    this.spend(res, def.rateClass as RateClass, result.subject);
    return true;
  }

  private async authenticate(req: Request, ticketAllowed: boolean): Promise<Authenticated | AuthFailure> {
    const header = req.headers.authorization;
    if (header !== undefined) {
      const m = /^Bearer +(\S+) *$/i.exec(header);
      if (!m) return { reason: 'missing', message: 'the Authorization header must be "Bearer <API key or token>"' };
      return this.authenticator.bearer(m[1]);
    }
    const ticket = req.query.ticket;
    if (ticketAllowed && typeof ticket === 'string') {
      return await this.tickets.redeem(ticket) ?? { reason: 'bad_ticket', message: 'the stream ticket is unknown, expired or already used' };
    }
    return { reason: 'missing', message: ticketAllowed ? 'a bearer token or a stream ticket (?ticket=) is required' : 'a bearer API key or signed token is required' };
  }

  private spend(res: Response, cls: RateClass, key: string): void {
    const r = this.limits.take(cls, key);
    if (r.ok) return;
    res.setHeader('Retry-After', String(r.retryAfterSeconds));
    throw new HttpException(`rate limit exceeded: retry after ${r.retryAfterSeconds} s`, HttpStatus.TOO_MANY_REQUESTS);
  }
}

export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  return ctx.switchToHttp().getRequest<AuthedRequest>().principal!;
});

export const CurrentAuth = createParamDecorator((_: unknown, ctx: ExecutionContext): Authenticated => {
  return ctx.switchToHttp().getRequest<AuthedRequest>().auth!;
});
