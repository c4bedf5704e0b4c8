export * from './redis.module';
export * from './event-ledger';
export * from './json-state.store';
