/*
 * GET /api/openapi.json: the router's API document, generated once from the route table and
 * the zod schemas the routes validate with (see routes.ts), so it describes what is served.
 */
import { Controller } from '@nestjs/common';
import { buildOpenApiDocument } from '@cx/http';
import { ApiRoute } from './api-route.decorator';
import { API_COMPONENTS, ROUTES } from './routes';

export function routerOpenApi(): Record<string, unknown> {
  return buildOpenApiDocument({
    info: {
      title: 'CX escalation router API',
      version: '1',
      description: 'Escalations, live stream, agents and sign-in of the router (docs/router.md). '
        + 'Authenticate with `Authorization: Bearer <API key or OIDC access token>`; browsers open the stream with a single-use ticket.',
    },
    routes: Object.values(ROUTES),
    components: API_COMPONENTS,
  });
}

@Controller()
export class DocsController {
  private readonly document = routerOpenApi();

  @ApiRoute(ROUTES.openApi)
  openApi(): Record<string, unknown> {
    return this.document;
  }
}
