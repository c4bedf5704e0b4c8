/*
 * OpenAPI 3.1 from a route table and the zod schemas it names (zod v4's toJSONSchema): the
 * document integrators' tools read is generated from the very schemas that validate requests.
 * Schemas registered as components become `#/components/schemas/<name>`; one whose request and
 * response forms differ (defaults make fields optional on input) gets a second, `<name>Input`.
 */
import { z } from 'zod';
import { openApiPath, type ApiRouteDef } from './api-route';

type Json = Record<string, unknown>;
type Io = 'input' | 'output';

export interface OpenApiInfo {
  title: string;
  version: string;
  description?: string;
}

export interface OpenApiOptions {
  info: OpenApiInfo;
  routes: readonly ApiRouteDef[];
  /** Named schemas: referenced by `$ref` wherever they occur. */
  components?: Record<string, z.ZodType>;
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Invalid input: the message names the field and the reason',
  401: 'No valid bearer token (API key or signed token) or stream ticket',
  403: 'Authenticated, but this principal may not do this',
  404: 'Not found, or not visible to this principal (another tenant\'s data is never revealed)',
  413: 'Request body too large',
  429: 'Rate limit of this principal exceeded; retry after `Retry-After` seconds',
  503: 'The identity provider that signed the token cannot be reached; retry after `Retry-After` seconds',
};

/** Nest's error body. */
const ErrorBody = z.object({
  statusCode: z.number().int(),
  message: z.union([z.string(), z.array(z.string())]),
  error: z.string().optional(),
});

class SchemaCollector {
  private readonly registry = z.registry<{ id: string }>();
  private readonly defs: Record<Io, Map<string, Json>> = { input: new Map(), output: new Map() };
  private readonly pending: { io: Io; json: Json }[] = [];

  constructor(components: Record<string, z.ZodType>) {
    for (const [id, schema] of Object.entries(components)) this.registry.add(schema, { id });
  }

  /** A schema object whose `$ref`s are fixed up by `components()`. */
  convert(schema: z.ZodType, io: Io): Json {
    const json = z.toJSONSchema(schema, {
      metadata: this.registry, io, unrepresentable: 'any',
      // Our registry only names components; descriptions (`.describe()`) live in zod's global one.
      override: (ctx) => {
        const meta = z.globalRegistry.get(ctx.zodSchema);
        for (const k of ['description', 'title', 'examples', 'deprecated'] as const) if (meta?.[k] !== undefined) ctx.jsonSchema[k] = meta[k] as never;
      },
    }) as Json;
    delete json.$schema;
    const defs = (json.$defs ?? {}) as Record<string, Json>;
    delete json.$defs;
    for (const [name, def] of Object.entries(defs)) {
      if (!this.defs[io].has(name)) {
        this.defs[io].set(name, def);
        this.pending.push({ io, json: def });
      }
    }
    this.pending.push({ io, json });
    return json;
  }

  /** Resolves names, rewrites `#/$defs/X` to components, returns `components.schemas`. */
  components(): Record<string, Json> {
    const out: Record<string, Json> = {};
    const nameOf = (io: Io, id: string): string => {
      const other = this.defs.output.get(id);
      const differs = io === 'input' && other !== undefined && JSON.stringify(other) !== JSON.stringify(this.defs.input.get(id));
      return differs ? `${id}Input` : id;
    };
    for (const io of ['output', 'input'] as const) {
      for (const [id, def] of this.defs[io]) out[nameOf(io, id)] ??= def;
    }
    const rewrite = (node: unknown, io: Io): void => {
      if (Array.isArray(node)) return node.forEach((n) => rewrite(n, io));
      if (!node || typeof node !== 'object') return;
      const o = node as Json;
      if (typeof o.$ref === 'string' && o.$ref.startsWith('#/$defs/')) o.$ref = `#/components/schemas/${nameOf(io, o.$ref.slice(8))}`;
      for (const v of Object.values(o)) rewrite(v, io);
    };
    for (const { io, json } of this.pending) rewrite(json, io);
    return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
  }
}

function parametersOf(route: ApiRouteDef, schemas: SchemaCollector): Json[] {
  const out: Json[] = [];
  const add = (where: 'path' | 'query', obj: z.ZodObject | undefined) => {
    for (const [name, field] of Object.entries(obj?.shape ?? {}) as [string, z.ZodType][]) {
      const required = where === 'path' || !field.safeParse(undefined).success;
      const schema = schemas.convert(field, 'input');
      const description = typeof schema.description === 'string' ? schema.description : undefined;
      out.push({ name, in: where, required, ...(description ? { description } : {}), schema });
    }
  };
  add('path', route.params);
  add('query', route.query);
  const declared = new Set(out.filter((p) => p.in === 'path').map((p) => p.name));
  for (const [, name] of route.path.matchAll(/:([A-Za-z0-9_]+)/g)) {
    if (!declared.has(name)) throw new Error(`${route.operationId}: path parameter :${name} has no schema in params`);
  }
  return out;
}

function operationOf(route: ApiRouteDef, schemas: SchemaCollector): Json {
  const responses: Json = {};
  const { response } = route;
  const contentType = response.contentType ?? 'application/json';
  responses[String(response.status)] = {
    description: response.description,
    ...(response.schema ? { content: { [contentType]: { schema: schemas.convert(response.schema, 'output') } } }
      : contentType !== 'application/json' ? { content: { [contentType]: { schema: { type: 'string' } } } } : {}),
  };
  const errors = new Set(route.errors ?? []);
  if (route.params || route.query || route.body) errors.add(400);
  if (route.auth !== 'none') for (const s of [401, 403, 503]) errors.add(s);
  if (route.body) errors.add(413);
  errors.add(429);
  for (const status of [...errors].sort((a, b) => a - b)) {
    responses[String(status)] = {
      description: STATUS_TEXT[status] ?? `HTTP ${status}`,
      ...(status === 429 || status === 503 ? { headers: { 'Retry-After': { description: 'Seconds until the next request will be accepted', schema: { type: 'integer', minimum: 1 } } } } : {}),
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
    };
  }
  const security = route.auth === 'none' ? [] : route.auth === 'bearer' ? [{ bearerAuth: [] }] : [{ bearerAuth: [] }, { streamTicket: [] }];
  return {
    operationId: route.operationId,
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    tags: [route.tag],
    security,
    parameters: parametersOf(route, schemas),
    ...(route.body ? { requestBody: { required: true, content: { 'application/json': { schema: schemas.convert(route.body, 'input') } } } } : {}),
    responses,
  };
}

function withoutDialect(json: Json): Json {
  const { $schema: _dialect, ...rest } = json;
  return rest;
}

/** The OpenAPI 3.1 document of a route table. */
export function buildOpenApiDocument(opts: OpenApiOptions): Json {
  const schemas = new SchemaCollector(opts.components ?? {});
  const paths: Record<string, Json> = {};
  const seen = new Set<string>();
  for (const route of opts.routes) {
    const key = `${route.method} ${route.path}`;
    if (seen.has(key)) throw new Error(`route ${key} is defined twice`);
    seen.add(key);
    (paths[openApiPath(route.path)] ??= {})[route.method.toLowerCase()] = operationOf(route, schemas);
  }
  const tags = [...new Set(opts.routes.map((r) => r.tag))].map((name) => ({ name }));
  return {
    openapi: '3.1.0',
    info: opts.info,
    tags,
    paths,
    components: {
      schemas: { ...schemas.components(), Error: withoutDialect(z.toJSONSchema(ErrorBody, { io: 'output' }) as Json) },
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', description: 'An API key, or an OIDC / JWT access token of a configured identity provider' },
        streamTicket: { type: 'apiKey', in: 'query', name: 'ticket', description: 'A single-use ticket from POST /api/stream-tickets (60 s)' },
      },
    },
  };
}
