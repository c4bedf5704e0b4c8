export * from './duration';
export * from './calendar';
export * from './policy';
export * from './engine';
export * from './sla-event';
export * from './simulator';
export * from './attainment';
export * from './attainment-buckets';
export { storeTrace, loadTrace } from './trace-context';
