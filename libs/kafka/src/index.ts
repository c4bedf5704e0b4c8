export * from './kafka-settings';
export * from './kafka-client';
export * from './event-publisher';
export * from './worker-publisher';
export * from './dead-letter';
export * from './topic-admin';
export * from './lag-monitor';
export * from './partition-offsets';
