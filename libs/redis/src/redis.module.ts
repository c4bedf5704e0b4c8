/*
 * Nest wiring of the Redis adapter: one client per service (single node, Cluster or Sentinel),
 * its key space, its health probe, and a clean close on shutdown.
 */
import { DynamicModule, Global, Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { KeySpace } from './key-space';
import { createRedis, type RedisClient, type RedisConnection, type ScriptDefinition } from './redis-client';
import { RedisHealth } from './redis-health';

export const REDIS = Symbol('REDIS');

export interface RedisOptions {
  connection: RedisConnection;
  keyPrefix: string;
  /** Namespace of this service's own keys, e.g. "emo". */
  namespace: string;
  /** Shards of the namespace (slots); fixed for the life of the data. */
  shards: number;
  dedupeTtlSeconds: number;
  /** The service's own Lua commands, defined before the client sends anything. */
  scripts?: readonly ScriptDefinition[];
}
export const REDIS_OPTIONS = Symbol('REDIS_OPTIONS');

@Injectable()
class RedisCloser implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: RedisClient, private readonly health: RedisHealth) {}
  async onApplicationShutdown(): Promise<void> {
    this.health.stop();
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
        { provide: REDIS, useFactory: () => createRedis(options.connection, options.namespace, options.scripts) },
        { provide: KeySpace, useValue: new KeySpace(options.keyPrefix, options.namespace, options.shards) },
        { provide: RedisHealth, useFactory: (r: RedisClient) => new RedisHealth(r), inject: [REDIS] },
        RedisCloser,
      ],
      exports: [REDIS, REDIS_OPTIONS, KeySpace, RedisHealth],
    };
  }
}
