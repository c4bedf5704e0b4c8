import 'reflect-metadata';
import { loadEnv } from '@cx/config';
import { hardenHttp, pageCsp } from '@cx/http';
import { runMain, startService } from '@cx/runtime';
import { RouterModule } from './app.module';
import { oidcConnectSources, OidcVerifier } from './api/auth/oidc-verifier';
import { RouterEnv } from './router-env';

runMain(async () => {
  const env = loadEnv(RouterEnv);
  await startService(RouterModule.forRoot(env), {
    name: 'router', port: env.ROUTER_PORT, host: env.HTTP_HOST, logLevel: env.LOG_LEVEL,
    // The dashboard renders customer text: a strict CSP (no inline script) is the second line of defence.
    configure: (app) => hardenHttp(app, {
      csp: pageCsp(oidcConnectSources(app.get(OidcVerifier))), corsOrigins: env.ROUTER_CORS_ORIGINS, trustProxy: env.ROUTER_TRUST_PROXY,
    }),
  });
});
