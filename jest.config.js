// Jest runs the ESM sources natively (node --experimental-vm-modules); SWC only strips types and
// lowers decorators, keeping the metadata Nest's dependency injection reads.
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
      target: 'es2022',
      keepClassNames: true,
    },
    module: { type: 'es6' },
    sourceMaps: 'inline',
  },
];

const shared = {
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': swc },
  moduleNameMapper: {
    '^nest-stomp$': '<rootDir>/libs/stomp/src/index.ts',
    '^nest-stomp/testing$': '<rootDir>/libs/stomp/src/testing/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  testEnvironment: 'node',
};

export default {
  // One test file at a time: some stop and restart the shared RabbitMQ, which every relay test
  // (and the fuzz of its neighbours' timing) would otherwise feel.
  maxWorkers: 1,
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/libs/**/*.spec.ts', '<rootDir>/apps/**/*.spec.ts'] },
    // Real servers and brokers on a 2-core CI machine: jest's 5 s default is too tight for starting
    // apps under load; every wait inside a test is on an event, so this only bounds a failure.
    { ...shared, displayName: 'e2e', testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'], testTimeout: 15_000 },
  ],
};
