#!/usr/bin/env node
// `npm run test:mutation`: runs Stryker (stryker.config.mjs) on the library sources changed since a
// git ref, because a run over the whole library takes hours on two cores.
//
//   npm run test:mutation                                  files changed since MUTATE_SINCE
//   MUTATE_SINCE=main npm run test:mutation                 ... since the merge base with main
//   npm run test:mutation -- --mutate 'libs/stomp/src/protocol/**/*.ts'   one folder (or file)
//
// MUTATE_SINCE defaults to HEAD~1 (the last commit), which exists in any clone with history; the
// comparison is against the merge base of HEAD and that ref, plus uncommitted and untracked files.
// A changed spec selects the source it tests. MUTATION_SPECS (see stryker.config.mjs) narrows the
// specs that may kill a mutant. Any other argument goes to Stryker as is.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const LIBRARY_SOURCE = /^libs\/[^/]+\/src\/.+\.ts$/;
const NOT_MUTATED = /(\.spec\.ts|\.testing\.ts|\/index\.ts)$/;

// Never mutate the tests themselves, whatever glob is given.
const NOT_MUTATED_GLOBS = ['!libs/**/*.spec.ts', '!libs/**/*.testing.ts'];

const args = process.argv.slice(2);
const mutateAt = args.findIndex((arg) => arg === '--mutate' || arg === '-m');
const strykerArgs = mutateAt === -1 ? [...changedSourceArgs(), ...args] : args;
if (mutateAt !== -1 && mutateAt + 1 < args.length) {
  strykerArgs[mutateAt + 1] = [args[mutateAt + 1], ...NOT_MUTATED_GLOBS].join(',');
}

const stryker = spawnSync(process.execPath, ['node_modules/@stryker-mutator/core/bin/stryker.js', 'run', ...strykerArgs], {
  stdio: 'inherit',
});
process.exit(stryker.status ?? 1);

function changedSourceArgs() {
  const since = process.env.MUTATE_SINCE || 'HEAD~1';
  const base = git('merge-base', 'HEAD', since).trim();
  const changed = new Set([
    ...git('diff', '--name-only', '--diff-filter=AMR', base).split('\n'),
    ...git('ls-files', '--others', '--exclude-standard').split('\n'),
  ]);
  // A changed spec stands for its source: strengthening the tests of frame-decoder.ts in
  // frame-decoder.limits.spec.ts mutates frame-decoder.ts.
  const sources = [...changed].filter((file) => LIBRARY_SOURCE.test(file)).map(sourceOf);
  const files = [...new Set(sources)].filter((file) => file && !NOT_MUTATED.test(file) && existsSync(file)).sort();
  if (files.length === 0) {
    console.log(`No library source changed since ${since} (merge base ${base.slice(0, 7)}): nothing to mutate.`);
    process.exit(0);
  }
  console.log(`Mutating ${files.length} file(s) changed since ${since}:\n  ${files.join('\n  ')}`);
  return ['--mutate', files.join(',')];
}

function sourceOf(file) {
  if (!file.endsWith('.spec.ts')) return file;
  let stem = file.slice(0, -'.spec.ts'.length);
  for (;;) {
    if (existsSync(`${stem}.ts`)) return `${stem}.ts`;
    const dot = stem.lastIndexOf('.');
    if (dot <= stem.lastIndexOf('/')) return undefined;
    stem = stem.slice(0, dot);
  }
}

function git(...gitArgs) {
  try {
    return execFileSync('git', gitArgs, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    console.error(`git ${gitArgs.join(' ')} failed: ${error.stderr || error.message}`);
    console.error('Set MUTATE_SINCE to a ref that exists here, or pass --mutate <glob>.');
    process.exit(2);
  }
}
