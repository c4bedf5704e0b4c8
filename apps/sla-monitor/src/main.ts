import 'reflect-metadata';
import { loadEnv } from '@cx/config';
import { hardenHttp } from '@cx/http';
import { runMain, startService } from '@cx/kafka';
import { SlaMonitorModule } from './app.module';
import { SlaEnv } from './sla-env';
import { loadPolicies } from './sla-policies';

runMain(async () => {
  const env = loadEnv(SlaEnv);
  const { set } = loadPolicies(env.SLA_POLICIES_FILE); // before anything connects: a bad file exits 78
  await startService(SlaMonitorModule.forRoot(env, set), { name: 'sla-monitor', port: env.SLA_PORT, host: env.HTTP_HOST, logLevel: env.LOG_LEVEL, configure: (app) => hardenHttp(app) });
});
