import 'reflect-metadata';
import { loadEnv } from '@cx/config';
import { runMain, startService } from '@cx/kafka';
import { SlaMonitorModule } from './app.module';
import { SlaEnv } from './sla-env';

runMain(async () => {
  const env = loadEnv(SlaEnv);
  await startService(SlaMonitorModule.forRoot(env), { name: 'sla-monitor', port: env.SLA_PORT, host: env.HTTP_HOST, logLevel: env.LOG_LEVEL });
});
