import { StompConfigurationError } from '../errors/stomp-configuration.error.js';
import { loadOptionalPackage, resolveOptionalFile } from './optional-package.js';

describe('optional packages', () => {
  it('loads an installed package', () => {
    const { Redis } = loadOptionalPackage<typeof import('ioredis')>('ioredis', 'The Redis broker');
    expect(typeof Redis).toBe('function');
  });

  it('names the package to install when it is missing', () => {
    const load = () => loadOptionalPackage('nest-stomp-no-such-package', 'The Redis broker');
    expect(load).toThrow(StompConfigurationError);
    expect(load).toThrow("The Redis broker needs the 'nest-stomp-no-such-package' package: npm install nest-stomp-no-such-package");
  });

  it('resolves a file of an installed package, and nothing for a missing one', () => {
    expect(resolveOptionalFile('sockjs-client/dist/sockjs.min.js')).toMatch(/sockjs-client[\\/]dist[\\/]sockjs\.min\.js$/);
    expect(resolveOptionalFile('nest-stomp-no-such-package/dist/x.js')).toBeUndefined();
  });
});
