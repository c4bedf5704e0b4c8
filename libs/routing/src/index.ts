export * from './config';
export * from './severity';
export * from './teams';
export * from './actions';
export * from './merge';
export * from './routing';
export * from './visibility';
