// POST /ingest/{tenant}/{connector}: the raw body (bounded at 1 MiB) and the headers go to the
// IngestService, whose answer becomes the HTTP response. The route is served straight from the
// HTTP server, ahead of Express and Nest's router (mountIngestRoute): on the hot path they cost
// a fifth of a request's CPU and add nothing it needs (no body parser — the signed bytes must
// arrive untouched —, no guards, no pipes). Everything else (/health, /metrics, 404s) stays Nest's.
import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import { Injectable, Logger } from '@nestjs/common';
import { IngestService, type IngestResponse } from './ingest.service';
import { readBody } from './raw-body';

/** The answer as JSON, written directly. */
function reply(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(payload), ...headers });
  res.end(payload);
}

function headersOf(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (v === undefined) continue;
    out[k] = Array.isArray(v) ? v[0] : v;
  }
  return out;
}

/** Case-insensitive and with an optional trailing slash, as Express matched it. */
const ROUTE = /^\/ingest\/([^/?#]+)\/([^/?#]+)\/?(?:\?|$)/i;

/** Tenant and connector of an ingest URL (percent-decoded), null for another path, 'malformed' for bad escapes. */
export function ingestRoute(url: string | undefined): { tenant: string; connector: string } | null | 'malformed' {
  const m = url ? ROUTE.exec(url) : null;
  if (!m) return null;
  try {
    return { tenant: decodeURIComponent(m[1]), connector: decodeURIComponent(m[2]) };
  } catch {
    return 'malformed';
  }
}

@Injectable()
export class IngestController {
  private readonly logger = new Logger('ingest');

  constructor(private readonly service: IngestService) {}

  malformed(res: ServerResponse): void {
    const r = this.service.reject('unknown', 400, 'bad_request', 'malformed percent-encoding in the path');
    reply(res, r.status, r.body);
  }

  async serve(tenant: string, connector: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const receivedAt = new Date();
    const body = await readBody(req);
    if (!body.ok) {
      const r = body.reason === 'too_large'
        ? this.service.reject(connector, 413, 'too_large', 'body over 1 MiB')
        : this.service.reject(connector, 400, 'bad_request', 'request body aborted');
      reply(res, r.status, r.body, { Connection: 'close' });
      return;
    }
    let r: IngestResponse;
    try {
      r = await this.service.handle(tenant, connector, { headers: headersOf(req), originalUrl: req.url ?? '/', body: body.body, receivedAt });
    } catch (e) {
      // Never the payload, never a secret: only what failed.
      this.logger.error(`${connector} request failed: ${(e as Error).message}`);
      reply(res, 500, { error: 'internal', reason: 'the gateway could not process the request' });
      return;
    }
    reply(res, r.status, r.body, r.headers);
  }
}

/**
 * Puts POST /ingest/{tenant}/{connector} in front of the server's other request listeners (Nest's
 * Express app): call it after NestFactory.create and before listen.
 */
export function mountIngestRoute(server: Server, controller: IngestController): void {
  const others = server.listeners('request') as RequestListener[];
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const route = req.method === 'POST' ? ingestRoute(req.url) : null;
    if (route === 'malformed') {
      controller.malformed(res);
    } else if (route) {
      void controller.serve(route.tenant, route.connector, req, res);
    } else {
      for (const l of others) l.call(server, req, res);
    }
  });
}
