import 'reflect-metadata';
import { loadEnv } from '@cx/config';
import { hardenHttp } from '@cx/http';
import { runMain, startService } from '@cx/runtime';
import { SlaMonitorModule } from './app.module';
import { SlaEnv } from './sla-env';

runMain(async () => {
  const env = loadEnv(SlaEnv);
  // The policy file is read in forRoot, before anything connects: a bad file exits 78.
  await startService(SlaMonitorModule.forRoot(env), { name: 'sla-monitor', port: env.SLA_PORT, host: env.HTTP_HOST, logLevel: env.LOG_LEVEL, configure: (app) => hardenHttp(app) });
});
