// Three tiers in one run: fast pure/service tests in parallel; integration tests that share one
// real Kafka broker and Redis (started once in globalSetup) running serially; and the cluster tier
// (test/cluster/), whose globalSetup starts a 3-master Redis Cluster and a 3-broker Kafka cluster.
// `jest --selectProjects unit integration` leaves the clusters out.
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
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/cluster/'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
      maxWorkers: 1,
    },
    {
      ...common,
      displayName: 'cluster',
      testMatch: ['<rootDir>/test/cluster/**/*.int-spec.ts'],
      globalSetup: '<rootDir>/test/support/cluster-global-setup.ts',
      globalTeardown: '<rootDir>/test/support/cluster-global-teardown.ts',
      maxWorkers: 1,
    },
  ],
};
