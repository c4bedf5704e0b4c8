// Starts the ingestion gateway (DESIGN.md §7): environment and connectors file validated first
// (a bad one exits 78 naming the field), then HTTP on GATEWAY_PORT with Nest's body parser off so
// signatures are checked over the bytes the platform sent.
import 'reflect-metadata';
import { Logger, type LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ConfigError, loadEnv } from '@cx/config';
import { IngestGatewayModule } from './app.module';
import { ConnectorDirectory } from './connectors-config';
import { GatewayEnv } from './gateway-env';

const LEVELS: LogLevel[] = ['error', 'warn', 'log', 'debug', 'verbose'];

async function main(): Promise<void> {
  const env = loadEnv(GatewayEnv);
  const directory = ConnectorDirectory.load(env.GATEWAY_CONNECTORS_FILE);
  const app = await NestFactory.create(IngestGatewayModule.forRoot(env, directory), {
    bodyParser: false, logger: LEVELS.slice(0, LEVELS.indexOf(env.LOG_LEVEL) + 1),
  });
  // No ETag hashing of every small JSON answer, no advertising of the framework.
  app.getHttpAdapter().getInstance().disable('x-powered-by').disable('etag');
  app.enableShutdownHooks();
  await app.listen(env.GATEWAY_PORT, env.HTTP_HOST);
  const logger = new Logger('ingest-gateway');
  logger.log(`listening on http://${env.HTTP_HOST}:${env.GATEWAY_PORT} (POST /ingest/{tenant}/{connector}, metrics at /metrics)`);
  logger.log(`tenants: ${directory.summary()}`);
}

main().catch((e: unknown) => {
  if (e instanceof ConfigError) {
    process.stderr.write(`${e.message}\n`);
    process.exit(78); // EX_CONFIG
  }
  process.stderr.write(`fatal: ${(e as Error)?.stack ?? String(e)}\n`);
  process.exit(1);
});
