export * from './redis-client';
export * from './key-space';
export * from './event-ledger';
export * from './read-many';
export * from './commit-script';
export * from './lease-queue';
export * from './redis-health';
export * from './redis.module';
