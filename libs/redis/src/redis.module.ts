import { DynamicModule, Global, Inject, Injectable, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import type { HealthCheck } from '@cx/metrics';
import { EventLedger } from './event-ledger';

export const REDIS = Symbol('REDIS');

export interface RedisOptions {
  url: string;
  keyPrefix: string;
  /** Namespace of this service's own keys, e.g. "emo". */
  namespace: string;
  dedupeTtlSeconds: number;
}
export const REDIS_OPTIONS = Symbol('REDIS_OPTIONS');

export function createRedis(url: string, name: string): Redis {
  const logger = new Logger(`redis:${name}`);
  const client = new Redis(url, {
    // Commands wait through a short outage; the batch retry loop above bounds the wait.
    maxRetriesPerRequest: 2,
    enableOfflineQueue: true,
    retryStrategy: (times) => Math.min(100 * 2 ** Math.min(times, 6), 5000),
    connectionName: name,
  });
  let lastError = '';
  client.on('error', (e: Error) => {
    // Repeated identical errors during an outage would flood the log; report changes only.
    if (e.message !== lastError) logger.warn(`connection error: ${e.message}`);
    lastError = e.message;
  });
  client.on('ready', () => { if (lastError) logger.log('reconnected'); lastError = ''; });
  return client;
}

@Injectable()
export class RedisHealthCheck implements HealthCheck {
  readonly name = 'redis';
  constructor(@Inject(REDIS) private readonly redis: Redis) {}
  async check(): Promise<boolean> {
    return (await this.redis.ping()) === 'PONG';
  }
}

@Injectable()
class RedisCloser implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}
  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

@Global()
@Module({})
export class RedisModule {
  static forRoot(options: RedisOptions): DynamicModule {
    return {
      module: RedisModule,
      providers: [
        { provide: REDIS_OPTIONS, useValue: options },
        { provide: REDIS, useFactory: () => createRedis(options.url, options.namespace) },
        { provide: EventLedger, useFactory: (r: Redis) => new EventLedger(r, `${options.keyPrefix}cx:${options.namespace}:seen:`, options.dedupeTtlSeconds), inject: [REDIS] },
        RedisHealthCheck,
        RedisCloser,
      ],
      exports: [REDIS, REDIS_OPTIONS, EventLedger, RedisHealthCheck],
    };
  }
}
