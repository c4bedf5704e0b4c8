import { Controller, Get, NotFoundException, Param, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** The dashboard and the API explorer are static files; their data comes from the authenticated API. */
export const DASHBOARD_DIR = join(__dirname, 'dashboard');

// swagger-ui-dist is served from the installed package (no CDN), only the two files the page loads.
// Its path only: the package's index runs its 2 MB browser bundles in Node, which cost the router
// 42 MB of RSS and 10 MB of live heap (every full GC marked it) for nothing.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const SWAGGER_DIR: string = (require('swagger-ui-dist/absolute-path.js') as () => string)();
const EXPLORER_FILES: Record<string, string> = {
  'swagger-ui.css': join(SWAGGER_DIR, 'swagger-ui.css'),
  'swagger-ui-bundle.js': join(SWAGGER_DIR, 'swagger-ui-bundle.js'),
  'api-docs.js': join(DASHBOARD_DIR, 'api-docs.js'),
};

@Controller()
export class DashboardController {
  @Get()
  index(@Res() res: Response): void {
    res.sendFile(join(DASHBOARD_DIR, 'index.html'));
  }

  @Get('dashboard/:file')
  asset(@Param('file') file: string, @Res() res: Response): void {
    if (!/^[a-z0-9-]+\.(js|css|svg)$/.test(file) || !existsSync(join(DASHBOARD_DIR, file))) throw new NotFoundException();
    res.sendFile(join(DASHBOARD_DIR, file));
  }

  /** The explorer of /api/openapi.json (Swagger UI), under the same CSP as the dashboard. */
  @Get('api/docs')
  docs(@Req() req: Request, @Res() res: Response): void {
    // The page's URLs are relative to /api/docs; /api/docs/ would resolve them one level too deep.
    if (req.path.endsWith('/')) return res.redirect(301, '../docs');
    res.sendFile(join(DASHBOARD_DIR, 'api-docs.html'));
  }

  @Get('api/docs/:file')
  docsAsset(@Param('file') file: string, @Res() res: Response): void {
    const path = Object.prototype.hasOwnProperty.call(EXPLORER_FILES, file) ? EXPLORER_FILES[file] : undefined;
    if (!path) throw new NotFoundException();
    res.sendFile(path, { maxAge: '1h' });
  }
}
