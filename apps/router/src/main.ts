import 'reflect-metadata';
import { loadEnv } from '@cx/config';
import { runMain, startService } from '@cx/runtime';
import { RouterModule } from './app.module';
import { RouterEnv } from './router-env';

runMain(async () => {
  const env = loadEnv(RouterEnv);
  await startService(RouterModule.forRoot(env), { name: 'router', port: env.ROUTER_PORT, host: env.HTTP_HOST, logLevel: env.LOG_LEVEL });
});
