import { StompConfigurationError } from './errors/stomp-configuration.error.js';
import { resolveStompOptions } from './stomp-options.resolver.js';
import { STOMP_DEFAULTS, type StompModuleOptions } from './stomp.options.js';

/** Runs the resolver and returns the configuration error it throws. */
function configurationError(options: unknown): StompConfigurationError {
  try {
    resolveStompOptions(options as StompModuleOptions);
  } catch (error) {
    expect(error).toBeInstanceOf(StompConfigurationError);
    return error as StompConfigurationError;
  }
  throw new Error(`resolveStompOptions accepted ${JSON.stringify(options)}`);
}

describe('resolveStompOptions', () => {
  describe('defaults', () => {
    it('applies STOMP_DEFAULTS to everything but the endpoint', () => {
      const resolved = resolveStompOptions({ endpoint: '/ws' });
      expect(resolved).toEqual({
        endpoints: [{ path: '/ws', sockJs: undefined, allowedOrigins: [] }],
        broker: STOMP_DEFAULTS.broker,
        appPrefixes: STOMP_DEFAULTS.appPrefixes.map((p) => `${p}/`),
        brokerPrefixes: STOMP_DEFAULTS.brokerPrefixes.map((p) => `${p}/`),
        defaultDestinationPrefix: STOMP_DEFAULTS.defaultDestinationPrefix,
        userDestinationPrefix: STOMP_DEFAULTS.userDestinationPrefix,
        errorDestination: STOMP_DEFAULTS.errorDestination,
        authenticate: undefined,
        interceptors: [],
        pathSeparator: STOMP_DEFAULTS.pathSeparator,
        heartbeat: [...STOMP_DEFAULTS.heartbeat],
        heartbeatGraceFactor: STOMP_DEFAULTS.heartbeatGraceFactor,
        maxFrameSize: STOMP_DEFAULTS.maxFrameSize,
        maxHeaders: STOMP_DEFAULTS.maxHeaders,
        maxHeaderLineLength: STOMP_DEFAULTS.maxHeaderLineLength,
        connectTimeout: STOMP_DEFAULTS.connectTimeout,
        maxSubscriptionsPerSession: STOMP_DEFAULTS.maxSubscriptionsPerSession,
        maxPatternSubscriptionsPerSession: STOMP_DEFAULTS.maxPatternSubscriptionsPerSession,
        maxPatternSubscriptions: STOMP_DEFAULTS.maxPatternSubscriptions,
        maxFramesPerSecond: STOMP_DEFAULTS.maxFramesPerSecond,
        maxConnections: STOMP_DEFAULTS.maxConnections,
        maxConnectionsPerAddress: STOMP_DEFAULTS.maxConnectionsPerAddress,
        sendBufferSizeLimit: STOMP_DEFAULTS.sendBufferSizeLimit,
        sendTimeLimit: STOMP_DEFAULTS.sendTimeLimit,
        pingInterval: STOMP_DEFAULTS.pingInterval,
        authorization: undefined,
      });
    });

    it("are Spring's", () => {
      const resolved = resolveStompOptions({ endpoint: '/ws' });
      expect(resolved.appPrefixes).toEqual(['/app/']);
      expect(resolved.brokerPrefixes).toEqual(['/topic/', '/queue/']);
      expect(resolved.defaultDestinationPrefix).toBe('/topic');
      expect(resolved.pathSeparator).toBe('/');
      expect(resolved.heartbeat).toEqual([10000, 10000]);
      expect(resolved.maxFrameSize).toBe(65536);
    });

    it('keeps explicit values', () => {
      const resolved = resolveStompOptions({
        endpoint: '/ws',
        appPrefixes: ['/api', '/cmd/'],
        brokerPrefixes: ['/exchange'],
        defaultDestinationPrefix: '/exchange/',
        userDestinationPrefix: '/me',
        errorDestination: '/exchange/errors',
        pathSeparator: '.',
        heartbeat: [0, 0],
        heartbeatGraceFactor: 1.5,
        maxFrameSize: 1024,
        maxHeaders: 8,
        maxHeaderLineLength: 256,
        connectTimeout: 500,
      });
      expect(resolved.appPrefixes).toEqual(['/api/', '/cmd/']);
      expect(resolved.brokerPrefixes).toEqual(['/exchange/']);
      expect(resolved.defaultDestinationPrefix).toBe('/exchange');
      expect(resolved.userDestinationPrefix).toBe('/me/');
      expect(resolved.errorDestination).toBe('/exchange/errors');
      expect(resolved.pathSeparator).toBe('.');
      expect(resolved.heartbeat).toEqual([0, 0]);
      expect(resolved.heartbeatGraceFactor).toBe(1.5);
      expect(resolved.maxFrameSize).toBe(1024);
      expect(resolved.maxHeaders).toBe(8);
      expect(resolved.maxHeaderLineLength).toBe(256);
      expect(resolved.connectTimeout).toBe(500);
    });

    it('copies the heartbeat instead of sharing the caller’s array', () => {
      const heartbeat: [number, number] = [5000, 6000];
      const resolved = resolveStompOptions({ endpoint: '/ws', heartbeat });
      expect(resolved.heartbeat).toEqual([5000, 6000]);
      expect(resolved.heartbeat).not.toBe(heartbeat);
    });
  });

  describe('endpoint forms', () => {
    it('accepts a path string', () => {
      expect(resolveStompOptions({ endpoint: '/portfolio' }).endpoints).toEqual([
        { path: '/portfolio', sockJs: undefined, allowedOrigins: [] },
      ]);
    });

    it('accepts one endpoint object', () => {
      const origins = ['https://example.com'];
      const [endpoint, ...rest] = resolveStompOptions({ endpoint: { path: '/portfolio', allowedOrigins: origins } }).endpoints;
      expect(rest).toEqual([]);
      expect(endpoint).toEqual({ path: '/portfolio', sockJs: undefined, allowedOrigins: ['https://example.com'] });
      expect(endpoint!.allowedOrigins).not.toBe(origins);
    });

    it('accepts an array of endpoints, in order', () => {
      const resolved = resolveStompOptions({ endpoint: [{ path: '/a' }, { path: '/b', sockJs: true }, { path: '/c', sockJs: false }] });
      expect(resolved.endpoints.map((e) => e.path)).toEqual(['/a', '/b', '/c']);
      expect(resolved.endpoints[0]!.sockJs).toBeUndefined();
      expect(resolved.endpoints[1]!.sockJs).toBeDefined();
      expect(resolved.endpoints[2]!.sockJs).toBeUndefined();
    });

    it('trims a trailing slash from the path, but keeps the root path', () => {
      expect(resolveStompOptions({ endpoint: '/ws/' }).endpoints[0]!.path).toBe('/ws');
      expect(resolveStompOptions({ endpoint: '/' }).endpoints[0]!.path).toBe('/');
    });

    it("gives sockJs: true Spring's SockJS defaults", () => {
      const [endpoint] = resolveStompOptions({ endpoint: { path: '/ws', sockJs: true } }).endpoints;
      expect(endpoint!.sockJs).toEqual({ heartbeatDelay: 25_000, disconnectDelay: 5_000, responseLimit: 128 * 1024, clientLibraryUrl: '/ws/sockjs.min.js' });
      expect(endpoint!.sockJs).toEqual({ ...STOMP_DEFAULTS.sockJs, clientLibraryUrl: '/ws/sockjs.min.js' });
    });

    it('refuses a clientLibraryUrl that is not a URL, and takes an undefined one as the default', () => {
      expect(() => resolveStompOptions({ endpoint: { path: '/ws', sockJs: { clientLibraryUrl: '' } } })).toThrow(StompConfigurationError);
      const [endpoint] = resolveStompOptions({ endpoint: { path: '/ws', sockJs: { clientLibraryUrl: undefined } } }).endpoints;
      expect(endpoint!.sockJs!.clientLibraryUrl).toBe('/ws/sockjs.min.js');
    });

    it('serves the SockJS client under the endpoint unless clientLibraryUrl says where it is', () => {
      expect(() => resolveStompOptions({ endpoint: { path: '/', sockJs: true } })).toThrow("SockJS needs a path of its own");
      const [own] = resolveStompOptions({ endpoint: { path: '/ws', sockJs: { clientLibraryUrl: '/assets/sockjs.js' } } }).endpoints;
      expect(own!.sockJs!.clientLibraryUrl).toBe('/assets/sockjs.js');
    });

    it('fills SockJS settings that are not given from the defaults', () => {
      const [endpoint] = resolveStompOptions({ endpoint: { path: '/ws', sockJs: { disconnectDelay: 100 } } }).endpoints;
      expect(endpoint!.sockJs).toEqual({ heartbeatDelay: 25_000, disconnectDelay: 100, responseLimit: 128 * 1024, clientLibraryUrl: '/ws/sockjs.min.js' });
    });
  });

  describe('prefixes', () => {
    it("are normalized with a trailing '/' (so '/app' never matches '/application')", () => {
      const resolved = resolveStompOptions({ endpoint: '/ws', appPrefixes: ['/app', '/cmd/'], brokerPrefixes: ['/topic/', '/queue'] });
      expect(resolved.appPrefixes).toEqual(['/app/', '/cmd/']);
      expect(resolved.brokerPrefixes).toEqual(['/topic/', '/queue/']);
    });

    it("accept prefixes that only share a beginning without a '/' boundary", () => {
      const resolved = resolveStompOptions({ endpoint: '/ws', appPrefixes: ['/app'], brokerPrefixes: ['/application'], errorDestination: false });
      expect(resolved.appPrefixes).toEqual(['/app/']);
      expect(resolved.brokerPrefixes).toEqual(['/application/']);
    });

    it("reject a prefix without a leading '/'", () => {
      const app = configurationError({ endpoint: '/ws', appPrefixes: ['app'] });
      expect(app.message).toContain("'appPrefixes'");
      expect(app.message).toContain("'app'");
      const broker = configurationError({ endpoint: '/ws', brokerPrefixes: ['/topic', 'queue'] });
      expect(broker.message).toContain("'brokerPrefixes'");
      expect(broker.message).toContain("'queue'");
    });

    it.each([
      [['/app'], ['/app']],
      [['/app/'], ['/app']],
      [['/topic/app'], ['/topic']],
      [['/app'], ['/app/topic']],
      [['/cmd', '/queue/cmd'], ['/topic', '/queue']],
    ])('reject app prefixes %j overlapping broker prefixes %j', (appPrefixes, brokerPrefixes) => {
      const error = configurationError({ endpoint: '/ws', appPrefixes, brokerPrefixes });
      expect(error.message).toContain("'appPrefixes'");
      expect(error.message).toMatch(/overlaps/);
    });
  });

  describe('broker', () => {
    it('passes a MessageBroker instance through', () => {
      const broker = { subscribe() {}, unsubscribe() {}, unsubscribeAll() {}, publish() {} };
      expect(resolveStompOptions({ endpoint: '/ws', broker }).broker).toBe(broker);
    });

    it('rejects an unknown kind, naming the option', () => {
      const error = configurationError({ endpoint: '/ws', broker: { kind: 'kafka' } } as never);
      expect(error.message).toBe("Invalid StompModule option 'broker': unknown kind 'kafka': expected 'simple', 'relay' or 'redis'");
    });
  });

  describe('user destinations and error reports', () => {
    it('reject an error destination outside the broker prefixes', () => {
      const error = configurationError({ endpoint: '/ws', errorDestination: '/errors' });
      expect(error.message).toContain("'errorDestination'");
      expect(error.message).toContain("'/errors' is not under a broker prefix (/topic/, /queue/)");
    });

    it('accept false to only log handler errors', () => {
      expect(resolveStompOptions({ endpoint: '/ws', errorDestination: false }).errorDestination).toBe(false);
    });

    it('reject a user prefix that overlaps another prefix', () => {
      const error = configurationError({ endpoint: '/ws', userDestinationPrefix: '/queue' });
      expect(error.message).toContain("'userDestinationPrefix'");
      expect(error.message).toContain("'/queue/' overlaps the prefix '/queue/'");
    });

    it('reject an authenticate hook that is not a function', () => {
      expect(configurationError({ endpoint: '/ws', authenticate: 'yes' } as never).message).toContain("'authenticate'");
    });
  });

  describe('errors', () => {
    it.each(['appPrefixes', 'brokerPrefixes'])('name %s when it is not a list', (option) => {
      const error = configurationError({ endpoint: '/ws', [option]: '/app' } as never);
      expect(error.message).toContain(`'${option}'`);
      expect(error.message).toContain('expected a list of prefixes');
    });

    it('carry the configuration error code', () => {
      const error = configurationError({});
      expect(error.code).toBe('STOMP_ERR_CONFIGURATION');
      expect(error.name).toBe('StompConfigurationError');
    });

    it.each([[undefined], [null], [{}], [{ endpoint: undefined }], [{ endpoint: null }], [{ appPrefixes: ['/app'] }]])('for a missing endpoint (%j)', (options) => {
      const error = configurationError(options);
      expect(error.message).toContain("'endpoint'");
      expect(error.message).toMatch(/required/);
    });

    it('for an empty endpoint list', () => {
      const error = configurationError({ endpoint: [] });
      expect(error.message).toContain("'endpoint'");
      expect(error.message).toMatch(/empty/);
    });

    it.each([['ws'], [''], [{ path: 'ws' }], [[{ path: '/a' }, { path: 'b' }]]])("for a path without a leading '/' (%j)", (endpoint) => {
      const error = configurationError({ endpoint });
      expect(error.message).toContain("'endpoint'");
      expect(error.message).toContain("must start with '/'");
    });

    it('for a null entry in the endpoint list', () => {
      const error = configurationError({ endpoint: [{ path: '/ws' }, null] });
      expect(error.message).toContain("'endpoint'");
    });

    it('for a path that is not a string', () => {
      const error = configurationError({ endpoint: { path: 42 } });
      expect(error.message).toContain("'endpoint'");
    });

    it('for duplicate endpoint paths, also when they differ only by a trailing slash', () => {
      const exact = configurationError({ endpoint: [{ path: '/ws' }, { path: '/other' }, { path: '/ws' }] });
      expect(exact.message).toContain("'endpoint'");
      expect(exact.message).toContain("'/ws'");
      expect(exact.message).toMatch(/twice/);

      const slash = configurationError({ endpoint: [{ path: '/ws' }, { path: '/ws/', sockJs: true }] });
      expect(slash.message).toContain("'/ws'");
    });

    it.each([['-'], [':'], [''], ['//']])("for pathSeparator '%s'", (pathSeparator) => {
      const error = configurationError({ endpoint: '/ws', pathSeparator });
      expect(error.message).toContain("'pathSeparator'");
    });

    it.each([[[1000]], [[1000, 1000, 1000]], [[-1, 1000]], [[1000, 1.5]], [[NaN, 0]], [[1000, Infinity]], [['1000', '1000']]])(
      'for heartbeat %j',
      (heartbeat) => {
        const error = configurationError({ endpoint: '/ws', heartbeat });
        expect(error.message).toContain("'heartbeat'");
      },
    );

    it.each([[0], [-1], [1.5], [NaN], [Infinity]])('for maxFrameSize %p', (maxFrameSize) => {
      const error = configurationError({ endpoint: '/ws', maxFrameSize });
      expect(error.message).toContain("'maxFrameSize'");
      expect(error.message).toContain(String(maxFrameSize));
    });

    it.each([
      ['maxHeaders', 0],
      ['maxHeaderLineLength', -5],
      ['connectTimeout', 0],
      ['heartbeatGraceFactor', 0],
      ['heartbeatGraceFactor', -1],
      ['pingInterval', -1],
      ['pingInterval', 2.5],
      // Node would fire these after 1 ms.
      ['pingInterval', 2 ** 31],
      ['connectTimeout', 2 ** 31],
    ])('for %s %p', (option, value) => {
      const error = configurationError({ endpoint: '/ws', [option]: value });
      expect(error.message).toContain(`'${option}'`);
    });

    it('take pingInterval 0 as off, not as invalid', () => {
      expect(resolveStompOptions({ endpoint: '/ws', pingInterval: 0 }).pingInterval).toBe(0);
    });

    it('name the option in a message that also says it is a StompModule option', () => {
      const error = configurationError({ endpoint: '/ws', maxFrameSize: 0 });
      expect(error.message).toBe("Invalid StompModule option 'maxFrameSize': expected a positive integer, got 0");
    });
  });
});
