/*
 * One HTTP hardening for every service (metrics and health endpoints included), applied through
 * `startService(..., { configure })`, so no service can ship with Express's defaults: security
 * headers from helmet, a Content-Security-Policy, no `X-Powered-By`, and CORS closed unless the
 * operator lists the origins that may call the API from a browser.
 */
import type { INestApplication } from '@nestjs/common';
import helmet from 'helmet';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** A CSP source: a fixed string, or one computed per response (e.g. an identity provider learnt later). */
export type CspSource = string | ((req: IncomingMessage, res: ServerResponse) => string);
export type CspDirectives = Record<string, CspSource[]>;

/**
 * What an API that serves no page needs: nothing may load, nothing may frame it. A service
 * that serves pages (the router's dashboard) passes its own directives.
 */
export const API_ONLY_CSP: CspDirectives = {
  'default-src': ["'none'"],
  'frame-ancestors': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'none'"],
};

/**
 * A page that loads only its own scripts and styles: no inline script, no eval, no inline style
 * attributes, no plugins, no framing. `connect-src` may add origins (an identity provider's
 * token endpoint that the page calls).
 */
export function pageCsp(connectSrc: CspSource[] = []): CspDirectives {
  return {
    'default-src': ["'self'"],
    'script-src': ["'self'"],
    'style-src': ["'self'"],
    'img-src': ["'self'", 'data:'],
    'font-src': ["'self'"],
    'connect-src': ["'self'", ...connectSrc],
    'object-src': ["'none'"],
    'base-uri': ["'none'"],
    'form-action': ["'self'"],
    'frame-ancestors': ["'none'"],
  };
}

export interface HardeningOptions {
  /** Default: API_ONLY_CSP. */
  csp?: CspDirectives;
  /** Exact origins (`https://console.example.com`) allowed to call the API from a browser; empty: CORS closed. */
  corsOrigins?: readonly string[];
  /** Express's `trust proxy` (hops, `loopback`, CIDRs): what `req.ip` is taken from behind a proxy. */
  trustProxy?: boolean | number | string;
}

/** Parses an origin list (`ROUTER_CORS_ORIGINS`-style, comma-separated); returns the problem or the list. */
export function parseOrigins(raw: string | undefined): { origins: string[] } | { error: string } {
  const list = (raw ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  for (const o of list) {
    if (o === '*') return { error: '"*" is not allowed: list the origins that may call the API' };
    let u: URL;
    try { u = new URL(o); } catch { return { error: `"${o}" is not an origin (scheme://host[:port])` }; }
    if (!/^https?:$/.test(u.protocol) || u.origin !== o) return { error: `"${o}" is not an origin (scheme://host[:port], no path or trailing slash)` };
  }
  return { origins: list };
}

/** Applies the hardening to a Nest app (Express adapter) before it listens. */
export function hardenHttp(app: INestApplication, opts: HardeningOptions = {}): void {
  const express = app.getHttpAdapter().getInstance() as { disable(s: string): void; set(s: string, v: unknown): void };
  express.disable('x-powered-by');
  if (opts.trustProxy !== undefined) express.set('trust proxy', opts.trustProxy);
  app.use(helmet({
    contentSecurityPolicy: { useDefaults: false, directives: opts.csp ?? API_ONLY_CSP },
    // Tokens travel in headers, never in cookies or URLs: no page of ours needs to send a referrer.
    referrerPolicy: { policy: 'no-referrer' },
    crossOriginResourcePolicy: { policy: 'same-origin' },
  }));
  const origins = opts.corsOrigins ?? [];
  if (origins.length) {
    app.enableCors({
      origin: [...origins],
      methods: ['GET', 'POST', 'PUT', 'DELETE'],
      allowedHeaders: ['Authorization', 'Content-Type'],
      exposedHeaders: ['Retry-After'],
      credentials: false, // bearer tokens, not cookies
      maxAge: 600,
    });
  }
}
