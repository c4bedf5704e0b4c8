export * from './tracer-setup';
export * from './trace-context';
export * from './unit-spans';
export * from './work-spans';
export * from './tracing.module';
export * from './semconv';
