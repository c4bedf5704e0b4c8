export * from './env';
export * from './reloadable-file';
export * from './otel-env';
