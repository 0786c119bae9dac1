import { StompConfigurationError } from './errors/stomp-configuration.error.js';
import { resolveStompOptions } from './stomp-options.resolver.js';
import type { StompModuleOptions } from './stomp.options.js';

const asyncApiOf = (asyncApi: unknown) => resolveStompOptions({ endpoint: '/ws', asyncApi } as StompModuleOptions).asyncApi;

describe('the asyncApi option', () => {
  it('is off by default, with the defaults ready for createAsyncApiDocument', () => {
    const expected = { serve: false, path: '/asyncapi.json', uiPath: '/asyncapi', info: { title: 'STOMP API', version: '1.0.0', description: undefined }, host: undefined, publishes: [] };
    expect(asyncApiOf(undefined)).toEqual(expected);
    expect(asyncApiOf(false)).toEqual(expected);
  });

  it('is on with true or an object, keeping what is given', () => {
    expect(asyncApiOf(true)).toEqual(expect.objectContaining({ serve: true, path: '/asyncapi.json' }));
    expect(asyncApiOf({ path: '/docs/api.json', uiPath: false, info: { title: 'Chat' } })).toEqual(
      expect.objectContaining({ serve: true, path: '/docs/api.json', uiPath: false, info: { title: 'Chat', version: '1.0.0', description: undefined } }),
    );
    expect(asyncApiOf({ uiPath: '/docs/' }).uiPath).toBe('/docs');
    expect(asyncApiOf({ publishes: [{ destination: '/topic/news', description: 'News' }] }).publishes).toEqual([{ destination: '/topic/news', description: 'News' }]);
  });

  it.each([
    [{ path: 'asyncapi.json' }, "'asyncApi.path': expected a path starting with '/'"],
    [{ uiPath: '/x?y' }, "'asyncApi.uiPath': expected a path starting with '/'"],
    [{ path: '/same', uiPath: '/same' }, "'/same' is also the document's path"],
    [{ publishes: [{ destination: '' }] }, "'asyncApi.publishes[0].destination'"],
    [{ publishes: [{ destination: '/topic/x', payload: String }] }, 'asyncApi.publishes[0].payload'],
    [{ info: { title: '' } }, "'asyncApi.info.title'"],
    [{ info: { titel: 'Chat' } }, 'asyncApi.info.titel'],
    [{ paht: '/x.json' }, 'asyncApi.paht'],
    ['yes', "'asyncApi': expected true or"],
  ])('refuses %j', (option, message) => {
    expect(() => asyncApiOf(option)).toThrow(StompConfigurationError);
    expect(() => asyncApiOf(option)).toThrow(message);
  });
});
