export * from './topics';
export * from './envelope';
export * from './interaction-events';
export * from './signal-events';
export * from './sla-events';
export * from './escalation-events';
export * from './cloudevent-codec';
export * from './registry';
