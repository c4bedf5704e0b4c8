/*
 * Binds a controller method to its route table entry: the HTTP method and path, the status, the
 * auth and rate-limit guard, and the validation of its input all come from the entry, so what
 * Nest serves and what /api/openapi.json documents are the same thing (see routes.ts).
 */
import { applyDecorators, createParamDecorator, ExecutionContext, HttpCode, RequestMapping, RequestMethod, SetMetadata, UseGuards } from '@nestjs/common';
import type { Request } from 'express';
import type { ApiRouteDef } from '@cx/http';
import { AuthGuard } from './auth.guard';
import { API_ROUTE, routeOf } from './route-metadata';
import { parseOr400 } from './validation';

/** `@ApiRoute(ROUTES.x)` on a method of a `@Controller()` (no prefix: table paths are absolute). */
export function ApiRoute(def: ApiRouteDef): MethodDecorator {
  return applyDecorators(
    RequestMapping({ path: def.path, method: RequestMethod[def.method] }),
    HttpCode(def.response.status),
    SetMetadata(API_ROUTE, def),
    UseGuards(AuthGuard),
  );
}

const LABEL = { params: 'path parameter', query: 'query', body: 'body' } as const;

/**
 * The request's path parameters, query or body, parsed with the route's schema: a 400 naming
 * the field otherwise. A part the route declares no schema for must be empty.
 */
export const RouteInput = createParamDecorator((part: 'params' | 'query' | 'body', ctx: ExecutionContext): unknown => {
  const def = routeOf(ctx);
  if (!def) throw new Error(`@RouteInput('${part}') on a method without @ApiRoute`);
  const req = ctx.switchToHttp().getRequest<Request>();
  const input: unknown = req[part] ?? (part === 'body' ? undefined : {});
  const schema = def[part];
  if (!schema) throw new Error(`${def.operationId} declares no ${part} schema`);
  return parseOr400(schema, part === 'body' ? input ?? {} : input, LABEL[part]);
});
