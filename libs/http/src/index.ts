export * from './http-hardening';
export * from './token-bucket';
export * from './api-route';
export * from './openapi-document';
