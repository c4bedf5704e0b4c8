import { Controller, Get, Header, HttpStatus, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import { HEALTH_CHECKS, HealthCheck } from './health-check';
import { PipelineMetrics } from './pipeline-metrics';

@Controller()
export class MetricsController {
  constructor(
    private readonly metrics: PipelineMetrics,
    @Inject(HEALTH_CHECKS) private readonly checks: HealthCheck[],
  ) {}

  @Get('metrics')
  @Header('Cache-Control', 'no-store')
  async scrape(@Res() res: Response): Promise<void> {
    res.setHeader('Content-Type', this.metrics.registry.contentType);
    res.send(await this.metrics.registry.metrics());
  }

  @Get('health')
  async health(@Res() res: Response): Promise<void> {
    const results = await Promise.all(this.checks.map(async (c) => {
      const up = await Promise.race([
        c.check().catch(() => false),
        new Promise<boolean>((r) => setTimeout(() => r(false), 2000).unref()),
      ]);
      return [c.name, up ? 'up' : 'down'] as const;
    }));
    const healthy = results.every(([, s]) => s === 'up');
    res.status(healthy ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE)
      .json({ status: healthy ? 'ok' : 'degraded', service: this.metrics.service, checks: Object.fromEntries(results) });
  }
}
