import { Controller, Get, NotFoundException, Param, Res } from '@nestjs/common';
import type { Response } from 'express';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** The dashboard is static files; its data comes from the authenticated API. */
export const DASHBOARD_DIR = join(__dirname, 'dashboard');

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
}
