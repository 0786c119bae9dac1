// Mutation testing (StrykerJS): `npm run test:mutation` (see scripts/mutation.mjs and README.md,
// "Development notes"). Not part of `npm test` or CI: a run over the whole library takes hours on
// two cores, so the script mutates only what changed unless told otherwise.
import jestConfig from './jest.config.js';

const unit = jestConfig.projects.find((project) => project.displayName === 'unit');
// Which specs may kill a mutant: every library spec by default. MUTATION_SPECS (comma-separated
// globs) narrows it, e.g. to the mutated folder's own specs: each mutant run loads every related
// spec file, and the session specs boot Nest, so a narrow set runs several times faster.
const specs = (process.env.MUTATION_SPECS ?? 'libs/**/*.spec.ts').split(',').map((glob) => `<rootDir>/${glob.trim()}`);

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'jest',
  // Node starts the jest workers; jest runs the ESM sources natively only with this flag.
  testRunnerNodeArgs: ['--experimental-vm-modules', '--disable-warning=ExperimentalWarning'],
  jest: {
    projectType: 'custom',
    // The unit project alone (library specs); e2e specs start servers and real brokers, far too
    // slow to run per mutant. `projects: undefined` drops the file's two-project layout.
    config: {
      ...unit,
      projects: undefined,
      displayName: undefined,
      testMatch: specs,
      setupFilesAfterEnv: ['<rootDir>/scripts/mutation-jest-setup.ts'],
    },
    // Per mutant, run only the specs that import the mutated file (jest --findRelatedTests).
    enableFindRelatedTests: true,
  },
  coverageAnalysis: 'perTest',
  concurrency: 2,
  // The default when nothing is given on the command line; scripts/mutation.mjs passes --mutate.
  mutate: ['libs/stomp/src/**/*.ts', '!libs/stomp/src/**/*.spec.ts', '!libs/stomp/src/**/*.testing.ts', '!libs/stomp/src/index.ts'],
  // Sandboxes copy the project; these folders are not needed to run the unit specs.
  ignorePatterns: ['dist', 'coverage', 'reports', 'bench', 'test', 'apps', 'docs', '.ci'],
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  thresholds: { high: 95, low: 90, break: null },
  // A worker's first runs after the initial test run are slow (each spec file is transformed and
  // linked again), and the machine is shared: with Stryker's default 5 s margin, mutants the specs
  // never notice were reported as timeouts, that is as detected. 20 s keeps those honest; a mutant
  // that really loops still times out, only later.
  timeoutMS: 20000,
};
