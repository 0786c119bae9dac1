// Loaded in every spec file of a Stryker run (stryker.config.mjs): a mutant that breaks a property
// test must fail it at the first counterexample. fast-check would otherwise spend seconds shrinking
// it, which under load outlasts Stryker's timeout and turns a killed mutant into a slow "timeout".
import fc from 'fast-check';

fc.configureGlobal({ endOnFailure: true });
