/*
 * For tests of code that traces: tracing on with an in-memory exporter (each span kept as it
 * ends), and the finished spans by name.
 */
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { loadEnv, BaseEnv } from '@cx/config';
import { startTracing, stopTracing } from './tracer-setup';

export class TestSpans {
  private readonly exporter = new InMemorySpanExporter();

  constructor(service = 'test-service', env: Record<string, string> = {}) {
    startTracing(loadEnv(BaseEnv, env), { service, exporter: this.exporter });
  }

  get spans(): ReadableSpan[] {
    return this.exporter.getFinishedSpans();
  }

  named(name: string): ReadableSpan[] {
    return this.spans.filter((s) => s.name === name);
  }

  async stop(): Promise<void> {
    await stopTracing();
  }
}
