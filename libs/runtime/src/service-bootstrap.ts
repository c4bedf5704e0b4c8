/*
 * Starts one service: HTTP (metrics, health, APIs) plus the batch Kafka consumer when it has
 * subscriptions. SIGTERM and SIGINT close the app, which lets the in-flight unit finish and
 * commit before the process exits.
 */
import type { DynamicModule, INestApplication, LogLevel } from '@nestjs/common';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ConfigError } from '@cx/config';
import { KafkaBatchServer } from './kafka-batch.server';

const ORDER: LogLevel[] = ['error', 'warn', 'log', 'debug', 'verbose'];

export interface ServiceStart {
  name: string;
  port: number;
  host: string;
  logLevel: LogLevel;
  /** HTTP set-up of the service (hardening, body limits, docs) before it listens. */
  configure?: (app: INestApplication) => void | Promise<void>;
}

export async function startService(module: DynamicModule, opts: ServiceStart): Promise<INestApplication> {
  const app = await NestFactory.create(module, { logger: ORDER.slice(0, ORDER.indexOf(opts.logLevel) + 1) });
  app.enableShutdownHooks();
  await opts.configure?.(app);
  const server = app.get(KafkaBatchServer, { strict: false });
  app.connectMicroservice({ strategy: server }, { inheritAppConfig: true });
  await app.startAllMicroservices();
  await app.listen(opts.port, opts.host);
  new Logger(opts.name).log(`listening on http://${opts.host}:${opts.port} (metrics at /metrics)`);
  return app;
}

/** Runs a service's main; a configuration error stops start-up with the message that names the field. */
export function runMain(main: () => Promise<unknown>): void {
  main().catch((e: unknown) => {
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    process.stderr.write(`fatal: ${(e as Error)?.stack ?? String(e)}\n`);
    process.exit(1);
  });
}
