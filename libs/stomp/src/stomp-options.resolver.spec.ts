import { StompConfigurationError } from './errors/stomp-configuration.error.js';
import { derivedLimits, resolveStompOptions } from './stomp-options.resolver.js';
import { MAX_FRAME_SIZE_MULTIPLES, STOMP_DEFAULTS, type StompModuleOptions } from './stomp.options.js';

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
        endpoints: [{ path: '/ws', sockJs: undefined, allowedOrigins: [], publicOrigins: [] }],
        broker: STOMP_DEFAULTS.broker,
        appPrefixes: STOMP_DEFAULTS.appPrefixes.map((p) => `${p}/`),
        brokerPrefixes: STOMP_DEFAULTS.brokerPrefixes.map((p) => `${p}/`),
        defaultDestinationPrefix: STOMP_DEFAULTS.defaultDestinationPrefix,
        userDestinationPrefix: STOMP_DEFAULTS.userDestinationPrefix,
        errorDestination: STOMP_DEFAULTS.errorDestination,
        unmappedDestinations: 'report',
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
        queuePrefixes: STOMP_DEFAULTS.queuePrefixes.map((p) => `${p}/`),
        maxQueuedMessages: STOMP_DEFAULTS.maxQueuedMessages,
        maxQueuedBytes: STOMP_DEFAULTS.maxQueuedBytes,
        queueOverflow: STOMP_DEFAULTS.queueOverflow,
        prefetchCount: STOMP_DEFAULTS.prefetchCount,
        maxPrefetchCount: STOMP_DEFAULTS.maxPrefetchCount,
        maxFramesPerSecond: STOMP_DEFAULTS.maxFramesPerSecond,
        maxConnections: STOMP_DEFAULTS.maxConnections,
        maxConnectionsPerAddress: STOMP_DEFAULTS.maxConnectionsPerAddress,
        trustProxy: expect.any(Function),
        sendBufferSizeLimit: STOMP_DEFAULTS.sendBufferSizeLimit,
        sendTimeLimit: STOMP_DEFAULTS.sendTimeLimit,
        pingInterval: STOMP_DEFAULTS.pingInterval,
        maxTransactionsPerSession: STOMP_DEFAULTS.maxTransactionsPerSession,
        maxFramesPerTransaction: STOMP_DEFAULTS.maxFramesPerTransaction,
        maxUnconfirmedSends: STOMP_DEFAULTS.maxUnconfirmedSends,
        maxWebSocketMessageSize: 4 * STOMP_DEFAULTS.maxFrameSize,
        maxSockJsRequestBody: 8 * STOMP_DEFAULTS.maxFrameSize,
        maxQueuedInboundBytes: 16 * STOMP_DEFAULTS.maxFrameSize,
        maxUnconfirmedSendBytes: 16 * STOMP_DEFAULTS.maxFrameSize,
        maxTransactionBytes: 16 * STOMP_DEFAULTS.maxFrameSize,
        incompleteFrameTimeout: STOMP_DEFAULTS.incompleteFrameTimeout,
        minFrameDataRate: STOMP_DEFAULTS.minFrameDataRate,
        authorization: undefined,
        asyncApi: { serve: false, path: '/asyncapi.json', uiPath: '/asyncapi', info: { title: 'STOMP API', version: '1.0.0', description: undefined }, host: undefined, publishes: [] },
        userRegistryBroadcast: { interval: 100, maxBytesPerSecond: 1024 * 1024 },
        metrics: { enabled: false, registry: undefined, prefix: '' },
        statsLogInterval: 30 * 60_000,
        retention: [],
        maxHistoryBytes: 256 * 1024 * 1024,
        logLevels: [...STOMP_DEFAULTS.logLevels],
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
        { path: '/portfolio', sockJs: undefined, allowedOrigins: [], publicOrigins: [] },
      ]);
    });

    it('accepts one endpoint object', () => {
      const origins = ['https://example.com'];
      const [endpoint, ...rest] = resolveStompOptions({ endpoint: { path: '/portfolio', allowedOrigins: origins } }).endpoints;
      expect(rest).toEqual([]);
      expect(endpoint).toEqual({ path: '/portfolio', sockJs: undefined, allowedOrigins: ['https://example.com'], publicOrigins: [] });
      expect(endpoint!.allowedOrigins).not.toBe(origins);
    });

    it('takes publicOrigin as one origin or a list, in canonical form, and refuses what is not an origin', () => {
      const [one] = resolveStompOptions({ endpoint: { path: '/ws', publicOrigin: 'HTTPS://Chat.Example.com:443/' } }).endpoints;
      expect(one!.publicOrigins).toEqual(['https://chat.example.com']);
      const [list] = resolveStompOptions({ endpoint: { path: '/ws', publicOrigin: ['https://a.example', 'http://10.0.0.5:8080'] } }).endpoints;
      expect(list!.publicOrigins).toEqual(['https://a.example', 'http://10.0.0.5:8080']);
      for (const bad of ['chat.example.com', 'https://chat.example.com/app', 'https://*.example.com', 'null', '', []]) {
        expect(configurationError({ endpoint: { path: '/ws', publicOrigin: bad } }).message).toMatch(/^Invalid StompModule option 'endpoint': publicOrigin/);
      }
    });

    it('refuses allowedOrigins entries that are not origins or origin patterns', () => {
      const patterns = ['*', 'https://*.example.com', 'http://localhost:*', 'https://app.example.com/', 'http://*:8080'];
      expect(resolveStompOptions({ endpoint: { path: '/ws', allowedOrigins: patterns } }).endpoints[0]!.allowedOrigins).toEqual(patterns);
      for (const bad of ['example.com', '*.example.com', 'https://example.com/path', 'https://user@example.com']) {
        expect(configurationError({ endpoint: { path: '/ws', allowedOrigins: [bad] } }).message).toContain(`allowedOrigins: ${JSON.stringify(bad)} is not an origin`);
      }
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

    it('resolves the Kafka broker against its defaults and checks its brokers and topic prefix', () => {
      expect(resolveStompOptions({ endpoint: '/ws', broker: { kind: 'kafka', brokers: ['k1:9092', 'k2:9093'] } }).broker).toEqual({
        ...STOMP_DEFAULTS.kafka,
        kind: 'kafka',
        brokers: ['k1:9092', 'k2:9093'],
      });
      expect(configurationError({ endpoint: '/ws', broker: { kind: 'kafka', brokers: ['k1'] } }).message).toContain("'broker.brokers': expected 'host:port', got \"k1\"");
      expect(configurationError({ endpoint: '/ws', broker: { kind: 'kafka', brokers: [] } }).message).toContain('the list is empty');
      expect(configurationError({ endpoint: '/ws', broker: { kind: 'kafka', topicPrefix: 'a_b' } }).message).toContain("expected letters, digits, '.' and '-'");
      expect(configurationError({ endpoint: '/ws', broker: { kind: 'kafka', replicationFactor: 0 } }).message).toContain('broker.replicationFactor');
    });

    it('rejects an unknown kind, naming the option', () => {
      const error = configurationError({ endpoint: '/ws', broker: { kind: 'pulsar' } } as never);
      expect(error.message).toBe("Invalid StompModule option 'broker': unknown kind 'pulsar': expected 'simple', 'relay', 'redis', 'jetstream' or 'kafka'");
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

    it.each([
      [{ interval: 0 }, 'userRegistryBroadcast.interval'],
      [{ interval: 2 ** 31 }, 'userRegistryBroadcast.interval'],
      [{ maxBytesPerSecond: 0 }, 'userRegistryBroadcast.maxBytesPerSecond'],
      [{ maxBytesPerSecond: 1.5 }, 'userRegistryBroadcast.maxBytesPerSecond'],
    ])('for userRegistryBroadcast %p', (userRegistryBroadcast, option) => {
      const error = configurationError({ endpoint: '/ws', userRegistryBroadcast });
      expect(error.message).toContain(`'${option}'`);
    });

    it('keep the userRegistryBroadcast default of what is not given', () => {
      expect(resolveStompOptions({ endpoint: '/ws', userRegistryBroadcast: { interval: 20 } }).userRegistryBroadcast).toEqual({ interval: 20, maxBytesPerSecond: 1024 * 1024 });
    });

    it('take pingInterval 0 as off, not as invalid', () => {
      expect(resolveStompOptions({ endpoint: '/ws', pingInterval: 0 }).pingInterval).toBe(0);
    });

    it('name the option in a message that also says it is a StompModule option', () => {
      const error = configurationError({ endpoint: '/ws', maxFrameSize: 0 });
      expect(error.message).toBe("Invalid StompModule option 'maxFrameSize': expected a positive integer, got 0");
    });
  });

  describe('every option has a check', () => {
    /** For each module option, a value it refuses and what the refusal says. */
    const REFUSED: readonly [option: string, value: unknown, says: string][] = [
      ['endpoint', 42, "path must start with '/'"],
      ['appPrefixes', ['app'], "every prefix must start with '/'"],
      ['brokerPrefixes', '/topic', 'expected a list of prefixes'],
      ['defaultDestinationPrefix', 'topic', "every prefix must start with '/'"],
      ['userDestinationPrefix', 'user/', "every prefix must start with '/'"],
      ['errorDestination', 42, 'expected a destination or false, got 42'],
      ['unmappedDestinations', 'ignore', "expected 'report' or 'error', got 'ignore'"],
      ['broker', 'redis', "expected { kind: 'simple' | 'relay' | 'redis' | 'jetstream' | 'kafka', ... } or a MessageBroker instance"],
      ['authenticate', {}, 'expected a function'],
      ['interceptors', {}, 'expected a list of interceptors'],
      ['pathSeparator', ':', "expected '/' or '.', got ':'"],
      ['heartbeat', [1000], 'expected [send, receive] in whole milliseconds'],
      ['heartbeatGraceFactor', 0, 'expected a positive number, got 0'],
      ['maxFrameSize', 1.5, 'expected a positive integer, got 1.5'],
      ['maxHeaders', 0, 'expected a positive integer, got 0'],
      ['maxHeaderLineLength', -1, 'expected a positive integer, got -1'],
      ['connectTimeout', 2 ** 31, 'expected at most 2147483647 ms'],
      ['maxSubscriptionsPerSession', 0, 'expected a positive integer, got 0'],
      ['maxPatternSubscriptionsPerSession', 0, 'expected a positive integer, got 0'],
      ['maxPatternSubscriptions', 1.5, 'expected a positive integer, got 1.5'],
      ['queuePrefixes', '/queue', "expected a list of prefixes, e.g. ['/topic']"],
      ['maxQueuedMessages', 0, 'expected a positive integer, got 0'],
      ['maxQueuedBytes', -1, 'expected a positive integer, got -1'],
      ['queueOverflow', 'drop-tail', "expected 'drop-head' or 'reject-publish', got 'drop-tail'"],
      ['prefetchCount', 0, 'expected a positive integer, got 0'],
      ['maxPrefetchCount', 2.5, 'expected a positive integer, got 2.5'],
      ['maxFramesPerSecond', '5000', 'expected a positive integer, got 5000'],
      ['maxConnections', NaN, 'expected a positive integer, got NaN'],
      ['maxConnectionsPerAddress', -1, 'expected a positive integer (0 or Infinity for no limit), got -1'],
      ['trustProxy', 'not-an-address', 'expected false, true, a number of hops'],
      ['sendBufferSizeLimit', 0, 'expected a positive integer, got 0'],
      ['sendTimeLimit', -5, 'expected a positive integer, got -5'],
      ['pingInterval', -1, 'expected whole milliseconds (0 for off), got -1'],
      ['maxTransactionsPerSession', 0, 'expected a positive integer, got 0'],
      ['maxFramesPerTransaction', 2.5, 'expected a positive integer, got 2.5'],
      ['maxUnconfirmedSends', -1, 'expected a positive integer, got -1'],
      ['maxTransactionBytes', 0, 'expected a positive integer, got 0'],
      ['incompleteFrameTimeout', 2 ** 31, 'expected at most 2147483647 ms'],
      ['minFrameDataRate', 0.5, 'expected a positive integer, got 0.5'],
      ['authorization', { rules: 'all' }, 'expected { rules: ['],
      ['userRegistryBroadcast', 'often', 'expected { interval, maxBytesPerSecond }'],
      ['logLevels', ['warn', 'loud'], "expected 'verbose' or 'debug' or 'log' or 'warn' or 'error' or 'fatal', got 'loud'"],
      ['asyncApi', 'yes', 'expected true or { path?, uiPath?, info?, host?, publishes? }'],
      ['metrics', true, 'expected { enabled, registry?, prefix? }'],
      ['statsLogInterval', -1, 'expected whole milliseconds (0 for off), got -1'],
      ['retention', [{ destinations: '/topic/a', maxAge: -1 }], "'retention[0].maxAge': expected a positive integer, got -1"],
      ['maxHistoryBytes', 0, 'expected a positive integer, got 0'],
    ];

    it.each(REFUSED)('%s refuses %p', (option, value, says) => {
      const error = configurationError({ endpoint: '/ws', [option]: value });
      expect(error.message).toMatch(new RegExp(`^Invalid StompModule option '${option}(\\[\\d+\\][.\\w]*)?': `));
      expect(error.message).toContain(says);
    });

    it('refuses queue prefixes given outside the broker prefixes, and a default prefetch over the maximum', () => {
      expect(configurationError({ endpoint: '/ws', queuePrefixes: ['/jobs'] }).message).toBe(
        "Invalid StompModule option 'queuePrefixes': '/jobs' is not under a broker prefix (/topic/, /queue/)",
      );
      expect(configurationError({ endpoint: '/ws', prefetchCount: 50, maxPrefetchCount: 10 }).message).toBe(
        "Invalid StompModule option 'prefetchCount': 50 is more than maxPrefetchCount (10)",
      );
      // The default queue prefix needs no broker prefix of its own: without /queue there are no queues.
      expect(resolveStompOptions({ endpoint: '/ws', brokerPrefixes: ['/topic'], errorDestination: false }).queuePrefixes).toEqual(['/queue/']);
    });

    it('the list above covers every option the resolver knows', () => {
      // With no known option near it, the refusal lists them all.
      const error = configurationError({ endpoint: '/ws', zzzzzzzzzzzzzzzz: 1 });
      const known = [...error.message.split('the known ones are ')[1]!.matchAll(/'(\w+)'/g)].map((match) => match[1]);
      expect(known.length).toBeGreaterThan(20);
      expect(new Set(known)).toEqual(new Set(REFUSED.map(([option]) => option)));
    });
  });

  describe('maxConnectionsPerAddress and trustProxy', () => {
    it.each([0, Infinity])('maxConnectionsPerAddress %p turns the limit off (Infinity)', (value) => {
      expect(resolveStompOptions({ endpoint: '/ws', maxConnectionsPerAddress: value }).maxConnectionsPerAddress).toBe(Infinity);
    });

    it('trusts no proxy by default', () => {
      const { trustProxy } = resolveStompOptions({ endpoint: '/ws' });
      expect(trustProxy('127.0.0.1', 0)).toBe(false);
    });

    it.each([
      ['loopback', '::ffff:127.0.0.1', 0, true],
      ['loopback', '10.0.0.1', 0, false],
      ['loopback, 10.0.0.0/8', '10.1.2.3', 0, true],
      [['uniquelocal'], '192.168.1.1', 0, true],
      [2, '203.0.113.9', 1, true],
      [2, '203.0.113.9', 2, false],
      [true, '203.0.113.9', 5, true],
    ] as const)('trustProxy %p: %s at hop %i is trusted: %p', (value, address, hop, trusted) => {
      const { trustProxy } = resolveStompOptions({ endpoint: '/ws', trustProxy: value as never });
      expect(trustProxy(address, hop)).toBe(trusted);
    });

    it.each([[-1], [1.5], [[1]], [{}], ['300.1.1.1']])('trustProxy refuses %p', (value) => {
      expect(configurationError({ endpoint: '/ws', trustProxy: value }).message).toContain("Invalid StompModule option 'trustProxy': ");
    });
  });

  describe('endpoint and SockJS settings', () => {
    it.each([
      [{ heartbeatDelay: 0 }, "'endpoint.sockJs.heartbeatDelay': expected a positive integer, got 0"],
      [{ disconnectDelay: 2 ** 31 }, "'endpoint.sockJs.disconnectDelay': expected at most 2147483647 ms"],
      [{ responseLimit: 1.5 }, "'endpoint.sockJs.responseLimit': expected a positive integer, got 1.5"],
      [{ clientLibraryUrl: '' }, `'endpoint.sockJs.clientLibraryUrl': expected a non-empty string, got ""`],
      ['yes', `'endpoint.sockJs': expected true, false or SockJS options, got "yes"`],
    ])('refuse sockJs %j', (sockJs, says) => {
      expect(configurationError({ endpoint: { path: '/ws', sockJs } }).message).toContain(says);
    });

    it('refuse allowedOrigins that are not a list', () => {
      expect(configurationError({ endpoint: { path: '/ws', allowedOrigins: 'https://example.com' } }).message).toBe(
        `Invalid StompModule option 'endpoint': allowedOrigins must be a list, e.g. ['https://app.example.com'], got "https://example.com"`,
      );
    });
  });

  describe('relay settings', () => {
    it('are STOMP_DEFAULTS.relay where not given, with no virtual host', () => {
      expect(resolveStompOptions({ endpoint: '/ws', broker: { kind: 'relay' } }).broker).toEqual({ kind: 'relay', ...STOMP_DEFAULTS.relay, virtualHost: undefined });
    });

    it('keep explicit values', () => {
      const given = {
        kind: 'relay',
        addresses: [{ host: 'rabbit-a', port: 61614 }, { host: 'rabbit-b', port: 61615 }],
        clientLogin: 'client',
        clientPasscode: 'client-secret',
        systemLogin: 'system',
        systemPasscode: 'system-secret',
        virtualHost: '/chat',
        heartbeat: [0, 20000],
        reconnectDelay: 10,
        maxReconnectDelay: 100,
        connectTimeout: 50,
        clientQueues: [{ destination: '/queue/jobs', allow: 'authenticated' }],
        shareTopicSubscriptions: false,
      } as const;
      expect(resolveStompOptions({ endpoint: '/ws', broker: given }).broker).toEqual(given);
    });

    it.each([
      [{ addresses: [] }, "'broker.addresses': the list is empty"],
      [{ addresses: [{ host: '', port: 61613 }] }, "'broker.addresses.host': expected a non-empty string"],
      [{ addresses: [{ host: 'rabbit', port: 0 }] }, "'broker.addresses.port': expected a TCP port (1-65535), got 0"],
      [{ addresses: 'rabbit:61613' }, "'broker.addresses': expected a list of { host, port }"],
      [{ clientLogin: 42 }, "'broker.clientLogin': expected a string, got 42"],
      [{ systemPasscode: null }, "'broker.systemPasscode': expected a string, got null"],
      [{ virtualHost: '' }, "'broker.virtualHost': expected a non-empty string"],
      [{ heartbeat: [1, 2, 3] }, "'broker.heartbeat': expected [send, receive]"],
      [{ reconnectDelay: 0 }, "'broker.reconnectDelay': expected a positive integer, got 0"],
      [{ maxReconnectDelay: 2 ** 31 }, "'broker.maxReconnectDelay': expected at most 2147483647 ms"],
      [{ connectTimeout: -1 }, "'broker.connectTimeout': expected a positive integer, got -1"],
      [{ shareTopicSubscriptions: 'yes' }, `'broker.shareTopicSubscriptions': expected true or false, got "yes"`],
    ])('refuse %j', (settings, says) => {
      expect(configurationError({ endpoint: '/ws', broker: { kind: 'relay', ...settings } }).message).toContain(says);
    });
  });

  describe('Redis settings', () => {
    it('are STOMP_DEFAULTS.redis where not given', () => {
      expect(resolveStompOptions({ endpoint: '/ws', broker: { kind: 'redis' } }).broker).toEqual({ kind: 'redis', ...STOMP_DEFAULTS.redis });
    });

    it('keep explicit values', () => {
      const given = {
        kind: 'redis',
        url: 'rediss://cache:6380',
        mode: 'streams',
        channelPrefix: 'chat',
        startTimeout: 1,
        connectTimeout: 2,
        commandTimeout: 3,
        reconnectDelay: 4,
        maxReconnectDelay: 5,
      } as const;
      expect(resolveStompOptions({ endpoint: '/ws', broker: given }).broker).toEqual(given);
    });

    // Moved from the Redis broker, which now takes its settings resolved.
    it('refuse an empty url or channel prefix', () => {
      expect(configurationError({ endpoint: '/ws', broker: { kind: 'redis', url: '' } }).message).toBe(
        `Invalid StompModule option 'broker.url': expected a non-empty string, got ""`,
      );
      expect(configurationError({ endpoint: '/ws', broker: { kind: 'redis', channelPrefix: '' } }).message).toMatch(/'broker\.channelPrefix': expected a non-empty string/);
    });

    it("refuse a mode other than 'pubsub' or 'streams'", () => {
      expect(configurationError({ endpoint: '/ws', broker: { kind: 'redis', mode: 'stream' } as never }).message).toBe(
        "Invalid StompModule option 'broker.mode': expected 'pubsub' or 'streams', got 'stream'",
      );
    });

    it.each(['startTimeout', 'connectTimeout', 'commandTimeout', 'reconnectDelay', 'maxReconnectDelay'])('refuse a %s that is no timer', (setting) => {
      expect(configurationError({ endpoint: '/ws', broker: { kind: 'redis', [setting]: 0 } }).message).toContain(`'broker.${setting}': expected a positive integer, got 0`);
      expect(configurationError({ endpoint: '/ws', broker: { kind: 'redis', [setting]: 2 ** 31 } }).message).toContain(`'broker.${setting}': expected at most`);
    });
  });

  describe('JetStream settings', () => {
    it('are STOMP_DEFAULTS.jetstream where not given', () => {
      expect(resolveStompOptions({ endpoint: '/ws', broker: { kind: 'jetstream' } }).broker).toEqual({ kind: 'jetstream', ...STOMP_DEFAULTS.jetstream });
    });

    it('keep explicit values, one server URL becoming a list', () => {
      const given = {
        kind: 'jetstream',
        servers: ['nats://a:4222', 'nats://b:4222'],
        subjectPrefix: 'chat.stomp',
        streamPrefix: 'CHAT',
        startTimeout: 1,
        connectTimeout: 2,
        reconnectDelay: 3,
        publishTimeout: 4,
        ackWait: 5,
        prefetch: 6,
        queueMaxMessages: 7,
        queueMaxAge: 8,
      } as const;
      expect(resolveStompOptions({ endpoint: '/ws', broker: given }).broker).toEqual(given);
      expect(resolveStompOptions({ endpoint: '/ws', broker: { kind: 'jetstream', servers: 'nats://one:4222' } }).broker).toMatchObject({ servers: ['nats://one:4222'] });
    });

    it.each([
      [{ servers: [] }, "'broker.servers': expected a NATS URL or a non-empty list of them"],
      [{ servers: ['nats://a', ''] }, "'broker.servers': expected a non-empty string"],
      [{ subjectPrefix: 'a.*' }, "'broker.subjectPrefix': expected NATS subject tokens separated by '.', without '*', '>' or white space, got 'a.*'"],
      [{ subjectPrefix: 'a..b' }, "'broker.subjectPrefix': expected NATS subject tokens"],
      [{ streamPrefix: 'A.B' }, "'broker.streamPrefix': expected a stream name without '.', '*', '>', '/', '\\' or white space, got 'A.B'"],
      [{ queuePrefixes: ['/queue/'] }, "Unknown StompModule option 'broker.queuePrefixes'"],
      [{ prefetch: 0 }, "'broker.prefetch': expected a positive integer, got 0"],
      [{ ackWait: 2 ** 31 }, "'broker.ackWait': expected at most"],
    ])('refuse %j', (settings, says) => {
      expect(configurationError({ endpoint: '/ws', broker: { kind: 'jetstream', ...settings } }).message).toContain(says);
    });
  });

  describe('authorization', () => {
    const rule = { destination: '/topic/news/**', allow: 'authenticated' } as const;

    it('is passed through and appended to the interceptors', () => {
      const authorization = { rules: [rule], otherwise: 'deny' } as const;
      const resolved = resolveStompOptions({ endpoint: '/ws', authorization });
      expect(resolved.authorization).toBe(authorization);
      expect(resolved.interceptors).toHaveLength(1);
    });

    it.each([
      [{ rules: [{ destination: '/topic/x' }] }, "'authorization': expected { rules: ["],
      [{ rules: [{ destination: 42, allow: 'everyone' }] }, "'authorization': expected { rules: ["],
      [{ rules: [{ destination: '/topic/x', allow: 'admins' }] }, "'authorization': expected { rules: ["],
      [{ rules: [rule], otherwise: 'Deny' }, "'authorization.otherwise': expected 'allow' or 'deny', got 'Deny'"],
      [null, "'authorization': expected { rules: ["],
    ])('refuses %j', (authorization, says) => {
      expect(configurationError({ endpoint: '/ws', authorization }).message).toContain(says);
    });
  });

  describe('unknown keys', () => {
    it.each([
      [{ endpoint: '/ws', brokerPrefix: ['/topic'] }, "Unknown StompModule option 'brokerPrefix': did you mean 'brokerPrefixes'?"],
      [{ endpoints: '/ws' }, "Unknown StompModule option 'endpoints': did you mean 'endpoint'?"],
      [{ endpoint: '/ws', heartBeat: [0, 0] }, "Unknown StompModule option 'heartBeat': did you mean 'heartbeat'?"],
      [{ endpoint: { path: '/ws', sockjs: true } }, "Unknown StompModule option 'endpoint.sockjs': did you mean 'sockJs'?"],
      [{ endpoint: [{ path: '/a' }, { paht: '/b' }] }, "Unknown StompModule option 'endpoint.paht': did you mean 'path'?"],
      [{ endpoint: { path: '/ws', allowedOrigin: ['*'] } }, "Unknown StompModule option 'endpoint.allowedOrigin': did you mean 'allowedOrigins'?"],
      [{ endpoint: { path: '/ws', sockJs: { heartbeatDelai: 1000 } } }, "Unknown StompModule option 'endpoint.sockJs.heartbeatDelai': did you mean 'heartbeatDelay'?"],
      [{ endpoint: '/ws', broker: { kind: 'relay', systemLogon: 'x' } }, "Unknown StompModule option 'broker.systemLogon': did you mean 'systemLogin'?"],
      [{ endpoint: '/ws', broker: { kind: 'relay', addresses: [{ hots: 'x', port: 1 }] } }, "Unknown StompModule option 'broker.addresses.hots': did you mean 'host'?"],
      [{ endpoint: '/ws', broker: { kind: 'redis', chanelPrefix: 'x' } }, "Unknown StompModule option 'broker.chanelPrefix': did you mean 'channelPrefix'?"],
      [{ endpoint: '/ws', broker: { kind: 'simple', url: 'redis://x' } }, "Unknown StompModule option 'broker.url': the known ones are 'kind'"],
      [{ endpoint: '/ws', authorization: { rule: [] } }, "Unknown StompModule option 'authorization.rule': did you mean 'rules'?"],
      [{ endpoint: '/ws', authorization: { rules: [{ destination: '/x', allow: 'everyone', onn: 'SEND' }] } }, "Unknown StompModule option 'authorization.rules[0].onn': did you mean 'on'?"],
    ])('are refused, with the nearest known key: %j', (options, message) => {
      const error = configurationError(options);
      expect(error.code).toBe('STOMP_ERR_CONFIGURATION');
      expect(error.message).toBe(message);
    });

    it('without a near one, list the known keys', () => {
      const error = configurationError({ endpoint: '/ws', broker: { kind: 'redis', database: 2 } });
      expect(error.message).toBe(
        "Unknown StompModule option 'broker.database': the known ones are 'kind', 'url', 'mode', 'channelPrefix', 'startTimeout', 'connectTimeout', 'commandTimeout', 'reconnectDelay', 'maxReconnectDelay'",
      );
    });

    it('are not looked for in a MessageBroker instance', () => {
      const broker = { subscribe() {}, unsubscribe() {}, unsubscribeAll() {}, publish() {}, extra: true };
      expect(resolveStompOptions({ endpoint: '/ws', broker }).broker).toBe(broker);
    });
  });

  describe('limits derived from maxFrameSize', () => {
    it('are computed once, each under its name', () => {
      expect(derivedLimits(1000)).toEqual({
        maxWebSocketMessageSize: 4000,
        maxSockJsRequestBody: 8000,
        maxQueuedInboundBytes: 16000,
        maxUnconfirmedSendBytes: 16000,
        maxTransactionBytes: 16000,
      });
    });

    it('give maxTransactionBytes its default unless the option is set', () => {
      expect(resolveStompOptions({ endpoint: '/ws', maxFrameSize: 1000 }).maxTransactionBytes).toBe(16000);
      expect(resolveStompOptions({ endpoint: '/ws', maxFrameSize: 1000, maxTransactionBytes: 500 }).maxTransactionBytes).toBe(500);
    });

    it('follow the maxFrameSize given, by MAX_FRAME_SIZE_MULTIPLES', () => {
      const resolved = resolveStompOptions({ endpoint: '/ws', maxFrameSize: 2048 });
      for (const [name, multiple] of Object.entries(MAX_FRAME_SIZE_MULTIPLES)) {
        expect(resolved[name as keyof typeof MAX_FRAME_SIZE_MULTIPLES]).toBe(multiple * 2048);
      }
    });
  });
});

describe('resolveStompOptions: userRegistryBroadcast', () => {
  it('fills what is not given from STOMP_DEFAULTS and refuses unknown keys with a suggestion', () => {
    expect(resolveStompOptions({ endpoint: '/ws', userRegistryBroadcast: { interval: 50 } }).userRegistryBroadcast).toEqual({
      interval: 50,
      maxBytesPerSecond: STOMP_DEFAULTS.userRegistryBroadcast.maxBytesPerSecond,
    });
    expect(() => resolveStompOptions({ endpoint: '/ws', userRegistryBroadcast: { interval: 0 } })).toThrow(
      "Invalid StompModule option 'userRegistryBroadcast.interval': expected a positive integer, got 0",
    );
    expect(() => resolveStompOptions({ endpoint: '/ws', userRegistryBroadcast: { intervall: 50 } as never })).toThrow(
      "Unknown StompModule option 'userRegistryBroadcast.intervall': did you mean 'interval'?",
    );
  });
});

describe('resolveStompOptions: metrics and statsLogInterval', () => {
  it('fills what is not given from STOMP_DEFAULTS and refuses unknown keys with a suggestion', () => {
    expect(resolveStompOptions({ endpoint: '/ws', metrics: { enabled: true } }).metrics).toEqual({ enabled: true, registry: undefined, prefix: '' });
    expect(() => resolveStompOptions({ endpoint: '/ws', metrics: { enable: true } as never })).toThrow(
      "Unknown StompModule option 'metrics.enable': did you mean 'enabled'?",
    );
  });

  it('refuses what cannot be a registry, a prefix or a switch', () => {
    expect(() => resolveStompOptions({ endpoint: '/ws', metrics: { enabled: 'yes' } as never })).toThrow(
      "Invalid StompModule option 'metrics.enabled': expected true or false, got yes",
    );
    expect(() => resolveStompOptions({ endpoint: '/ws', metrics: { enabled: true, registry: {} as never } })).toThrow(
      "Invalid StompModule option 'metrics.registry': expected a prom-client Registry",
    );
    expect(() => resolveStompOptions({ endpoint: '/ws', metrics: { enabled: true, prefix: 'my-app_' } })).toThrow(
      "Invalid StompModule option 'metrics.prefix': expected a metric name prefix",
    );
  });

  it('takes 0 as "no summary line" and refuses periods a timer cannot hold', () => {
    expect(resolveStompOptions({ endpoint: '/ws', statsLogInterval: 0 }).statsLogInterval).toBe(0);
    expect(() => resolveStompOptions({ endpoint: '/ws', statsLogInterval: 2 ** 31 })).toThrow("Invalid StompModule option 'statsLogInterval'");
  });
});

describe('resolveStompOptions: retention', () => {
  it('defaults every limit of a rule and keeps the rules in order', () => {
    const { retention } = resolveStompOptions({
      endpoint: '/ws',
      retention: [{ destinations: '/topic/chat.*' }, { destinations: ['/topic/a', '/topic/b/**'], maxMessages: 5, maxAge: 1000, maxBytes: 2048 }],
    });
    expect(retention).toEqual([
      { destinations: ['/topic/chat.*'], maxMessages: 10_000, maxAge: 86_400_000, maxBytes: 64 * 1024 * 1024 },
      { destinations: ['/topic/a', '/topic/b/**'], maxMessages: 5, maxAge: 1000, maxBytes: 2048 },
    ]);
    expect(resolveStompOptions({ endpoint: '/ws' }).retention).toEqual([]);
  });

  it.each([
    [[{}], "'retention[0]'", 'expected rules like'],
    [[{ destinations: [] }], "'retention[0].destinations'", 'non-empty list'],
    [[{ destinations: '/topic/a', maxMessages: 0 }], "'retention[0].maxMessages'", 'positive integer'],
    [[{ destinations: '/topic/a', maxAgeMs: 5 }], 'maxAgeMs', 'maxAge'],
    ['/topic/a', "'retention'", 'expected rules like'],
  ])('refuses %j, naming %s', (retention, option, why) => {
    expect(() => resolveStompOptions({ endpoint: '/ws', retention } as never)).toThrow(option);
    expect(() => resolveStompOptions({ endpoint: '/ws', retention } as never)).toThrow(why);
  });
});
