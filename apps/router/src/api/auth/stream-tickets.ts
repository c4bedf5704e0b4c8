/*
 * Single-use stream tickets. EventSource cannot send an Authorization header, and a long-lived
 * secret in a URL ends up in proxy logs, browser history and referrers; so a client trades its
 * bearer token for a random ticket that opens one SSE stream within 60 s and is then gone.
 * Tickets live in Redis, so any router instance redeems a ticket another one issued; GETDEL
 * consumes one atomically, so two requests can never both use it.
 */
import { Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import { REDIS, type RedisClient } from '@cx/redis';
import { RouterKeys } from '../../router-keys';
import type { Authenticated } from './authenticator';

export const STREAM_TICKET_TTL_SECONDS = Symbol('STREAM_TICKET_TTL_SECONDS');

const TICKET = /^cxst_[A-Za-z0-9_-]{43}$/;

@Injectable()
export class StreamTickets {
  constructor(
    @Inject(REDIS) private readonly redis: RedisClient,
    private readonly keys: RouterKeys,
    @Inject(STREAM_TICKET_TTL_SECONDS) readonly ttlSeconds: number,
  ) {}

  /**
   * Only the ticket's SHA-256 is stored (a Redis dump holds no usable ticket); a key of its own
   * (each command touches one key, so any slot of a Redis Cluster will do).
   */
  private key(ticket: string): string {
    return this.keys.streamTicket(createHash('sha256').update(ticket).digest('hex'));
  }

  async issue(auth: Authenticated, now = Date.now()): Promise<{ ticket: string; expiresAt: string }> {
    const ticket = `cxst_${randomBytes(32).toString('base64url')}`;
    // Never longer than the credential it was traded for.
    const ttlMs = Math.min(this.ttlSeconds * 1000, (auth.expiresAt ?? Infinity) - now);
    if (ttlMs <= 0) throw new UnauthorizedException('the token has expired');
    const value = JSON.stringify({ principal: auth.principal, subject: auth.subject, expiresAt: auth.expiresAt });
    await this.redis.set(this.key(ticket), value, 'PX', Math.ceil(ttlMs), 'NX');
    return { ticket, expiresAt: new Date(now + ttlMs).toISOString() };
  }

  /** The ticket's principal, once: a second redemption, an expired or an unknown ticket gives undefined. */
  async redeem(ticket: string, now = Date.now()): Promise<Authenticated | undefined> {
    if (!TICKET.test(ticket)) return undefined;
    const raw = await this.redis.getdel(this.key(ticket));
    if (!raw) return undefined;
    const stored = JSON.parse(raw) as Omit<Authenticated, 'via'>;
    if (stored.expiresAt !== undefined && stored.expiresAt <= now) return undefined;
    return { ...stored, via: 'ticket' };
  }
}
