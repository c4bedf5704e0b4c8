/* Where a handler's route table entry is kept (set by @ApiRoute, read by the guard and the input decorators). */
import type { ExecutionContext } from '@nestjs/common';
import type { ApiRouteDef } from '@cx/http';

export const API_ROUTE = 'cx:api-route';

export function routeOf(ctx: ExecutionContext): ApiRouteDef | undefined {
  return Reflect.getMetadata(API_ROUTE, ctx.getHandler()) as ApiRouteDef | undefined;
}
