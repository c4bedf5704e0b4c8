export * from './env';
export * from './reloadable-file';
