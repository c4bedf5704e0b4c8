// Starts the ingestion gateway (docs/connectors.md): environment and connectors file validated first
// (a bad one exits 78 naming the field), then HTTP on GATEWAY_PORT: the ingest route served ahead
// of Express with the raw bytes the platform signed, /health and /metrics by Nest (body parser off).
import 'reflect-metadata';
import { Logger, type LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { loadEnv } from '@cx/config';
import { runMain } from '@cx/runtime';
import { IngestGatewayModule } from './app.module';
import { ConnectorDirectory } from './connectors-config';
import { GatewayEnv } from './gateway-env';
import { IngestController, mountIngestRoute } from './ingest.controller';

const LEVELS: LogLevel[] = ['error', 'warn', 'log', 'debug', 'verbose'];

async function main(): Promise<void> {
  const env = loadEnv(GatewayEnv);
  const directory = ConnectorDirectory.load(env.GATEWAY_CONNECTORS_FILE);
  const app = await NestFactory.create(IngestGatewayModule.forRoot(env, directory), {
    bodyParser: false, logger: LEVELS.slice(0, LEVELS.indexOf(env.LOG_LEVEL) + 1),
  });
  // No ETag hashing of every small JSON answer, no advertising of the framework.
  app.getHttpAdapter().getInstance().disable('x-powered-by').disable('etag');
  mountIngestRoute(app.getHttpServer(), app.get(IngestController));
  app.enableShutdownHooks();
  await app.listen(env.GATEWAY_PORT, env.HTTP_HOST);
  const logger = new Logger('ingest-gateway');
  logger.log(`listening on http://${env.HTTP_HOST}:${env.GATEWAY_PORT} (POST /ingest/{tenant}/{connector}, metrics at /metrics)`);
  logger.log(`tenants: ${directory.summary()}`);
}

runMain(main);
