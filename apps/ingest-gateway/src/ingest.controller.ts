// POST /ingest/{tenant}/{connector}: the raw body (bounded at 1 MiB) and the headers go to the
// IngestService, whose answer becomes the HTTP response. The route is served straight from the
// HTTP server, ahead of Express and Nest's router (mountIngestRoute): on the hot path they cost
// a fifth of a request's CPU and add nothing it needs (no body parser — the signed bytes must
// arrive untouched —, no guards, no pipes). Everything else (/health, /metrics, 404s) stays Nest's.
import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import { Injectable, Logger } from '@nestjs/common';
import { ATTR_HTTP_REQUEST_METHOD, ATTR_HTTP_RESPONSE_STATUS_CODE, ATTR_HTTP_ROUTE, ATTR_OUTCOME, ATTR_TENANT, errorType, startWork, type WorkSpan } from '@cx/tracing';
import { IngestService } from './ingest.service';
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

/** The request's server span, a child of the platform's `traceparent` header when it sends one. */
function requestSpan(tenant: string, connector: string, headers: Record<string, string>): WorkSpan | undefined {
  return startWork('POST /ingest/{tenant}/{connector}', { traceparent: headers.traceparent, tracestate: headers.tracestate }, 'server', {
    [ATTR_HTTP_REQUEST_METHOD]: 'POST', [ATTR_HTTP_ROUTE]: '/ingest/{tenant}/{connector}', [ATTR_TENANT]: tenant.slice(0, 128), 'cx.connector': connector.slice(0, 64),
  });
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
    const headers = headersOf(req);
    const span = requestSpan(tenant, connector, headers);
    const body = await readBody(req);
    if (!body.ok) {
      const r = body.reason === 'too_large'
        ? this.service.reject(connector, 413, 'too_large', 'body over 1 MiB')
        : this.service.reject(connector, 400, 'bad_request', 'request body aborted');
      reply(res, r.status, r.body, { Connection: 'close' });
      span?.end({ [ATTR_HTTP_RESPONSE_STATUS_CODE]: r.status, [ATTR_OUTCOME]: r.outcome });
      return;
    }
    try {
      // The events this request publishes carry its span's trace context (the service reads it from the headers).
      const r = await this.service.handle(tenant, connector, { headers: span ? { ...headers, ...span.trace } : headers, originalUrl: req.url ?? '/', body: body.body, receivedAt });
      reply(res, r.status, r.body, r.headers);
      span?.end({ [ATTR_HTTP_RESPONSE_STATUS_CODE]: r.status, [ATTR_OUTCOME]: r.outcome }, r.status >= 500 ? String(r.status) : undefined);
    } catch (e) {
      // Never the payload, never a secret: only what failed.
      this.logger.error(`${connector} request failed: ${(e as Error).message}`);
      reply(res, 500, { error: 'internal', reason: 'the gateway could not process the request' });
      span?.end({ [ATTR_HTTP_RESPONSE_STATUS_CODE]: 500, [ATTR_OUTCOME]: 'internal' }, errorType(e));
    }
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
