import { createRequire } from 'node:module';
import { StompConfigurationError } from '../errors/stomp-configuration.error.js';

const requireHere = createRequire(import.meta.url);

/**
 * Loads a package only the feature that needs it depends on (an optional peer dependency), so
 * that apps that do not use the feature need not install it; names what to install when missing.
 */
export function loadOptionalPackage<T>(name: string, neededFor: string): T {
  try {
    return requireHere(name) as T;
  } catch (error) {
    // A dependency of the package missing is another problem, to be reported as it is.
    const missing = (error as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND' && (error as Error).message.includes(`'${name}'`);
    if (!missing) throw error;
    throw new StompConfigurationError(`${neededFor} needs the '${name}' package: npm install ${name}`);
  }
}

/** Where an optional package's file is, or `undefined` when the package is not installed. */
export function resolveOptionalFile(specifier: string): string | undefined {
  try {
    return requireHere.resolve(specifier);
  } catch {
    return undefined;
  }
}

/**
 * {@link loadOptionalPackage} for packages published as ES modules only (`@platformatic/kafka`):
 * `require` of an ES module needs a recent Node.js and is not available to every module loader
 * (jest's), `import()` is.
 */
export async function importOptionalPackage<T>(name: string, neededFor: string): Promise<T> {
  try {
    return (await import(name)) as T;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const missing = (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && (error as Error).message.includes(`'${name}'`);
    if (!missing) throw error;
    throw new StompConfigurationError(`${neededFor} needs the '${name}' package: npm install ${name}`);
  }
}
