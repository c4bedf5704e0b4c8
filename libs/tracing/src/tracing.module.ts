/*
 * Tracing in a Nest service: started when the module is built (before the consumer or the HTTP
 * server takes work), flushed and stopped at shutdown. Global, so Nest shuts it down after the
 * service's own modules: the last unit's and the last timer round's spans are exported too.
 */
import { DynamicModule, Global, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { startTracing, stopTracing, type TracingSettings } from './tracer-setup';

@Injectable()
class TracingLifecycle implements OnApplicationShutdown {
  async onApplicationShutdown(): Promise<void> {
    await stopTracing();
  }
}

@Global()
@Module({})
export class TracingModule {
  static forRoot(env: TracingSettings, service: string): DynamicModule {
    return {
      module: TracingModule,
      providers: [{
        provide: TracingLifecycle,
        useFactory: () => {
          startTracing(env, { service });
          return new TracingLifecycle();
        },
      }],
    };
  }
}
