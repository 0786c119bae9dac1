// `npx depcruise libs/stomp/src` checks the library's import rules; test/architecture runs the same.
const { layeringRules } = require('./libs/stomp/layering-rules.cjs');

module.exports = {
  forbidden: layeringRules('libs/stomp/src'),
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.(spec|testing)\\.ts$' },
    // Type-only imports count: a circle of types is still a circle for the reader.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
