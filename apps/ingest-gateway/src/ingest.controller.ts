// POST /ingest/{tenant}/{connector}: the raw body (bounded at 1 MiB) and the headers go to the
// IngestService, whose answer becomes the HTTP response. Nest's body parser is off for the whole
// app (main.ts) so the signed bytes arrive untouched.
import { Controller, Logger, Param, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ATTR_HTTP_REQUEST_METHOD, ATTR_HTTP_RESPONSE_STATUS_CODE, ATTR_HTTP_ROUTE, ATTR_OUTCOME, ATTR_TENANT, errorType, startWork, type WorkSpan } from '@cx/tracing';
import { IngestService } from './ingest.service';
import { readBody } from './raw-body';

/** The answer as JSON, written directly (Express's send() costs a fifth of a request's CPU). */
function reply(res: Response, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(payload), ...headers });
  res.end(payload);
}

function headersOf(req: Request): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (v === undefined) continue;
    out[k] = Array.isArray(v) ? v[0] : v;
  }
  return out;
}

/** The request's server span, a child of the platform's `traceparent` header when it sends one. */
function requestSpan(tenant: string, connector: string, headers: Record<string, string>): WorkSpan | undefined {
  return startWork('POST /ingest/{tenant}/{connector}', { traceparent: headers.traceparent, tracestate: headers.tracestate }, 'server', {
    [ATTR_HTTP_REQUEST_METHOD]: 'POST', [ATTR_HTTP_ROUTE]: '/ingest/{tenant}/{connector}', [ATTR_TENANT]: tenant.slice(0, 128), 'cx.connector': connector.slice(0, 64),
  });
}

@Controller()
export class IngestController {
  private readonly logger = new Logger('ingest');

  constructor(private readonly service: IngestService) {}

  @Post('ingest/:tenant/:connector')
  async ingest(@Param('tenant') tenant: string, @Param('connector') connector: string, @Req() req: Request, @Res() res: Response): Promise<void> {
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
      const r = await this.service.handle(tenant, connector, { headers: span ? { ...headers, ...span.trace } : headers, originalUrl: req.originalUrl, body: body.body, receivedAt });
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
