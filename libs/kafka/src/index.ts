export * from './kafka-options';
export * from './kafka-client';
export * from './batch-types';
export * from './event-publisher';
export * from './dead-letter';
export * from './kafka-batch.server';
export * from './kafka.module';
export * from './service-bootstrap';
