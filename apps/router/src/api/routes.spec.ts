import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { RequestMethod } from '@nestjs/common';
import SwaggerParser from '@apidevtools/swagger-parser';
// Not exported by @cx/metrics (MetricsModule mounts it); the router serves it all the same.
import { MetricsController } from '../../../../libs/metrics/src/metrics.controller';
import { ROUTER_CONTROLLERS } from '../app.module';
import { routerOpenApi } from './docs.controller';
import { API_ROUTE } from './route-metadata';
import { ROUTES, UNDOCUMENTED_ROUTES } from './routes';

/** Every route Nest would serve, read from the controllers' metadata the way Nest's router explorer does. */
function nestRoutes(): { route: string; documented: boolean }[] {
  const out: { route: string; documented: boolean }[] = [];
  for (const controller of [...ROUTER_CONTROLLERS, MetricsController]) {
    const prefix = String(Reflect.getMetadata(PATH_METADATA, controller) ?? '');
    for (const name of Object.getOwnPropertyNames(controller.prototype)) {
      const handler = (controller.prototype as unknown as Record<string, unknown>)[name];
      if (typeof handler !== 'function' || Reflect.getMetadata(METHOD_METADATA, handler) === undefined) continue;
      const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as number];
      const paths = [Reflect.getMetadata(PATH_METADATA, handler)].flat() as string[];
      for (const p of paths) {
        const path = `/${[prefix, p].map((s) => s.replace(/^\/+|\/+$/g, '')).filter(Boolean).join('/')}`;
        out.push({ route: `${method} ${path}`, documented: Reflect.getMetadata(API_ROUTE, handler) !== undefined });
      }
    }
  }
  return out;
}

describe('router route table, Nest routes and /api/openapi.json', () => {
  const doc = routerOpenApi() as { paths: Record<string, Record<string, { operationId: string }>> };
  const documented = Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.keys(ops).map((m) => `${m.toUpperCase()} ${path.replace(/\{([^}]+)\}/g, ':$1')}`));

  it('documents exactly the routes Nest serves (none missing, none extra)', () => {
    const served = nestRoutes();
    const apiServed = served.filter((r) => !UNDOCUMENTED_ROUTES.includes(r.route)).map((r) => r.route).sort();
    expect(apiServed).toEqual([...documented].sort());
    // Everything not documented is on the explicit list, and exists.
    expect(served.filter((r) => UNDOCUMENTED_ROUTES.includes(r.route)).map((r) => r.route).sort()).toEqual([...UNDOCUMENTED_ROUTES].sort());
    // A documented route is bound to its entry by @ApiRoute (guard, validation and status from the table).
    expect(served.filter((r) => documented.includes(r.route) && !r.documented)).toEqual([]);
  });

  it('every table entry has an operation, and every operation names its entry', () => {
    expect(Object.values(doc.paths).flatMap((ops) => Object.values(ops).map((o) => o.operationId)).sort()).toEqual(Object.keys(ROUTES).sort());
  });

  it('is a valid OpenAPI 3.1 document (swagger-parser) whose $refs all resolve', async () => {
    const copy = JSON.parse(JSON.stringify(doc));
    await expect(SwaggerParser.validate(copy)).resolves.toBeDefined();
    expect((doc as unknown as { openapi: string }).openapi).toBe('3.1.0');
  });
});
