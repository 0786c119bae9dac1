import { StompConfigurationError } from '../errors/stomp-configuration.error.js';
import { resolveAsyncApiOptions } from './asyncapi.options.js';

describe('resolveAsyncApiOptions', () => {
  it('is off by default, with the defaults ready for createAsyncApiDocument', () => {
    expect(resolveAsyncApiOptions(undefined)).toEqual({
      serve: false,
      path: '/asyncapi.json',
      uiPath: '/asyncapi',
      info: { title: 'STOMP API', version: '1.0.0', description: undefined },
      host: undefined,
      publishes: [],
    });
    expect(resolveAsyncApiOptions(false).serve).toBe(false);
  });

  it('is on with true or an object, keeping what is given', () => {
    expect(resolveAsyncApiOptions(true)).toEqual(expect.objectContaining({ serve: true, path: '/asyncapi.json' }));
    expect(resolveAsyncApiOptions({ path: '/docs/api.json', uiPath: false, info: { title: 'Chat' } })).toEqual(
      expect.objectContaining({ serve: true, path: '/docs/api.json', uiPath: false, info: { title: 'Chat', version: '1.0.0', description: undefined } }),
    );
    expect(resolveAsyncApiOptions({ uiPath: '/docs/' }).uiPath).toBe('/docs');
  });

  it.each([
    [{ path: 'asyncapi.json' }, "'asyncApi.path': expected a path starting with '/'"],
    [{ uiPath: '/x?y' }, "'asyncApi.uiPath': expected a path starting with '/'"],
    [{ path: '/same', uiPath: '/same' }, "'/same' is also the document's path"],
    [{ publishes: [{ destination: '' }] }, "'asyncApi.publishes'"],
    ['yes', "'asyncApi': expected true or"],
  ])('refuses %j', (option, message) => {
    expect(() => resolveAsyncApiOptions(option as never)).toThrow(StompConfigurationError);
    expect(() => resolveAsyncApiOptions(option as never)).toThrow(message);
  });
});
