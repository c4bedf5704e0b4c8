import { z } from 'zod';
import { defineRoutes } from './api-route';
import { buildOpenApiDocument } from './openapi-document';

const Thing = z.object({ id: z.string(), tags: z.array(z.string()).default([]) });
const routes = defineRoutes({
  listThings: {
    method: 'GET', path: '/api/things', tag: 'things', auth: 'bearer', rateClass: 'read', summary: 'Things',
    query: z.object({ limit: z.coerce.number().int().min(1).default(10), q: z.string().optional(), must: z.string() }).strict(),
    response: { status: 200, description: 'ok', schema: z.array(Thing) },
  },
  putThing: {
    method: 'PUT', path: '/api/things/:id', tag: 'things', auth: 'bearer', rateClass: 'write', summary: 'Put', errors: [404],
    params: z.object({ id: z.string().describe('The id') }), body: Thing.omit({ id: true }).strict(),
    response: { status: 200, description: 'ok', schema: Thing },
  },
  health: { method: 'GET', path: '/api/ping', tag: 'ops', auth: 'none', rateClass: 'public', summary: 'Ping', response: { status: 204, description: 'pong' } },
});

describe('buildOpenApiDocument', () => {
  const doc = buildOpenApiDocument({ info: { title: 't', version: '1' }, routes: Object.values(routes), components: { Thing } }) as any;

  it('writes paths in OpenAPI template form with the schemas the routes validate with', () => {
    expect(Object.keys(doc.paths)).toEqual(['/api/things', '/api/things/{id}', '/api/ping']);
    const list = doc.paths['/api/things'].get;
    expect(list.operationId).toBe('listThings');
    expect(list.parameters).toEqual([
      { name: 'limit', in: 'query', required: false, schema: expect.objectContaining({ type: 'integer', default: 10 }) },
      { name: 'q', in: 'query', required: false, schema: { type: 'string' } },
      { name: 'must', in: 'query', required: true, schema: { type: 'string' } },
    ]);
    expect(list.responses['200'].content['application/json'].schema).toEqual({ type: 'array', items: { $ref: '#/components/schemas/Thing' } });
    expect(Object.keys(list.responses)).toEqual(['200', '400', '401', '403', '429', '503']);
    expect(list.security).toEqual([{ bearerAuth: [] }]);
  });

  it('names a component once per form: the request form of a schema with defaults gets its own', () => {
    const put = doc.paths['/api/things/{id}'].put;
    expect(put.parameters).toEqual([{ name: 'id', in: 'path', required: true, description: 'The id', schema: { type: 'string', description: 'The id' } }]);
    expect(put.responses['200'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/Thing' });
    expect(doc.components.schemas.Thing.required).toEqual(['id', 'tags']);
    expect(put.requestBody.content['application/json'].schema.properties.tags.default).toEqual([]);
    expect(Object.keys(put.responses)).toContain('404');
    expect(Object.keys(put.responses)).toContain('413');
    expect(doc.paths['/api/ping'].get.security).toEqual([]);
  });

  it('fails on a path parameter without a schema and on a route defined twice', () => {
    const bad = defineRoutes({ x: { method: 'GET', path: '/a/:id', tag: 't', auth: 'none', rateClass: 'public', summary: 's', response: { status: 200, description: 'd' } } });
    expect(() => buildOpenApiDocument({ info: { title: 't', version: '1' }, routes: [bad.x] })).toThrow(/:id has no schema/);
    expect(() => buildOpenApiDocument({ info: { title: 't', version: '1' }, routes: [routes.health, routes.health] })).toThrow(/defined twice/);
  });
});
