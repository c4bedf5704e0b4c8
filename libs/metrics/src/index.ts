export * from './pipeline-metrics';
export * from './health-check';
export * from './metrics.module';
