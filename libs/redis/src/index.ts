export * from './redis.module';
export * from './event-ledger';
