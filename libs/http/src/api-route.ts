/*
 * A route table entry: everything about one HTTP endpoint that both its validation and its API
 * document need (method, path, input and output schemas, auth, rate class). Controllers take
 * their method, path and validation from it, and the OpenAPI generator reads the same entries,
 * so the document cannot drift from what the service does.
 */
import type { z } from 'zod';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** `none`: public; `bearer`: Authorization header; `bearer-or-ticket`: also a single-use `?ticket=` (SSE). */
export type RouteAuth = 'none' | 'bearer' | 'bearer-or-ticket';

export interface RouteResponse {
  status: number;
  description: string;
  /** JSON body schema (output side); absent for bodies that are not JSON. */
  schema?: z.ZodType;
  /** Default `application/json`. */
  contentType?: string;
}

export interface ApiRouteSpec {
  method: HttpMethod;
  /** Express-style, absolute: `/api/escalations/:id/ack`. */
  path: string;
  summary: string;
  description?: string;
  /** OpenAPI tag (the section of the explorer). */
  tag: string;
  auth: RouteAuth;
  /** Which per-principal budget a request spends (see the rate limits). */
  rateClass: string;
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  response: RouteResponse;
  /** Error statuses the route itself answers besides the generic ones (400, 401, 429), e.g. 403, 404. */
  errors?: number[];
}

export interface ApiRouteDef extends ApiRouteSpec {
  operationId: string;
}

/** Names each entry by its key (the OpenAPI operationId), keeping the literal types for inference. */
export function defineRoutes<T extends Record<string, ApiRouteSpec>>(routes: T): { readonly [K in keyof T]: T[K] & { operationId: K & string } } {
  return Object.fromEntries(Object.entries(routes).map(([operationId, spec]) => [operationId, { ...spec, operationId }])) as never;
}

/** The parsed input of a route, typed from its schemas. */
export type RouteParams<R extends ApiRouteSpec> = R['params'] extends z.ZodType ? z.output<R['params']> : Record<string, never>;
export type RouteQuery<R extends ApiRouteSpec> = R['query'] extends z.ZodType ? z.output<R['query']> : Record<string, never>;
export type RouteBody<R extends ApiRouteSpec> = R['body'] extends z.ZodType ? z.output<R['body']> : undefined;

/** `/api/escalations/:id/ack` → `/api/escalations/{id}/ack` (OpenAPI's path template). */
export function openApiPath(path: string): string {
  return path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}
