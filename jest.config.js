// Two tiers in one run: fast pure/service tests in parallel, and integration tests that share
// one real Kafka broker and Redis (started once in globalSetup) running serially.
const swc = ['@swc/jest', {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
  },
  module: { type: 'commonjs' },
}];
// Packages that ship ES modules only (jose v6; the ref parser under swagger-parser). Node loads
// them with require(esm); jest's module loader cannot, so their files are compiled to CommonJS
// like ours. Every other package stays untouched.
const ESM_ONLY = ['jose', '@apidevtools/json-schema-ref-parser'];
const swcEsm = ['@swc/jest', { jsc: { parser: { syntax: 'ecmascript' }, target: 'es2022' }, module: { type: 'commonjs' } }];
const esmPath = `/node_modules/(${ESM_ONLY.join('|')})/`;
const moduleNameMapper = { '^@cx/([a-z-]+)$': '<rootDir>/libs/$1/src' };
const common = {
  transform: { '^.+\\.ts$': swc, [`${esmPath}.+\\.js$`]: swcEsm },
  transformIgnorePatterns: [`/node_modules/(?!(${ESM_ONLY.join('|')})/)`],
  moduleNameMapper,
  testEnvironment: 'node',
};

module.exports = {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs,scripts}/**/*.spec.ts'] },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/**/*.int-spec.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
      maxWorkers: 1,
    },
  ],
};
