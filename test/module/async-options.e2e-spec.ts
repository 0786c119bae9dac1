import { Controller, Inject, Injectable, Module } from '@nestjs/common';
import type { ConfigurableModuleOptionsFactory } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { WebSocket } from 'ws';
import { MessageMapping, SendTo, StompConfigurationError, StompModule, type StompModuleOptions } from 'nest-stomp';
import { startApp, type RunningApp } from '../support/apps.js';
import { RawStompClient } from '../support/raw-stomp-client.js';
import { closeAll, messagesOf, receiptFor, subscribe } from '../support/raw-frames.js';

/** A ConfigModule of our own: values an options factory injects. */
const STOMP_SETTINGS = Symbol('STOMP_SETTINGS');

interface StompSettings {
  readonly path: string;
  readonly appPrefix: string;
  readonly heartbeat: readonly [number, number];
}

@Injectable()
class SettingsService {
  constructor(@Inject(STOMP_SETTINGS) readonly settings: StompSettings) {}
}

@Module({})
class SettingsModule {
  static with(settings: StompSettings) {
    return {
      module: SettingsModule,
      providers: [{ provide: STOMP_SETTINGS, useValue: settings }, SettingsService],
      exports: [STOMP_SETTINGS, SettingsService],
    };
  }
}

function optionsFrom({ path, appPrefix, heartbeat }: StompSettings): StompModuleOptions {
  return { endpoint: path, appPrefixes: [appPrefix], heartbeat };
}

/** useClass: Nest instantiates it inside StompModule, with what `imports` bring. */
@Injectable()
class ClassOptionsFactory implements ConfigurableModuleOptionsFactory<StompModuleOptions, 'create'> {
  constructor(private readonly settings: SettingsService) {}

  async create(): Promise<StompModuleOptions> {
    await Promise.resolve();
    return optionsFrom(this.settings.settings);
  }
}

/** useExisting: an options factory provided (and exported) by another module. */
@Injectable()
class SharedOptionsFactory implements ConfigurableModuleOptionsFactory<StompModuleOptions, 'create'> {
  readonly calls: string[] = [];

  create(): StompModuleOptions {
    this.calls.push('create');
    return { endpoint: { path: '/shared-stomp' }, appPrefixes: ['/shared'], heartbeat: [0, 0] };
  }
}

@Module({ providers: [SharedOptionsFactory], exports: [SharedOptionsFactory] })
class SharedOptionsModule {}

/** Echoes to /topic/echo whatever is sent to `{appPrefix}/echo`. */
@Controller()
class EchoController {
  @MessageMapping('/echo')
  @SendTo('/topic/echo')
  echo(body: unknown) {
    return { echoed: body };
  }
}

@Module({
  imports: [
    StompModule.forRootAsync({
      imports: [SettingsModule.with({ path: '/factory-stomp', appPrefix: '/factory', heartbeat: [0, 0] })],
      inject: [STOMP_SETTINGS],
      useFactory: (settings: StompSettings) => optionsFrom(settings),
    }),
  ],
  controllers: [EchoController],
})
class FactoryModule {}

@Module({
  imports: [
    StompModule.forRootAsync({
      imports: [SettingsModule.with({ path: '/class-stomp', appPrefix: '/klass', heartbeat: [7000, 0] })],
      useClass: ClassOptionsFactory,
    }),
  ],
  controllers: [EchoController],
})
class UseClassModule {}

@Module({
  imports: [StompModule.forRootAsync({ imports: [SharedOptionsModule], useExisting: SharedOptionsFactory })],
  controllers: [EchoController],
})
class UseExistingModule {}

/**
 * The WebSocket handshake at `url`: 'open', 'HTTP <status>', 'error: ...', or 'no answer' when the
 * server leaves the request hanging (the safety timeout only runs out in that case).
 */
function handshake(url: string, safetyMs = 500): Promise<string> {
  return new Promise((resolve) => {
    const socket = new WebSocket(url, ['v12.stomp']);
    const done = (result: string) => {
      clearTimeout(timer);
      socket.terminate();
      resolve(result);
    };
    const timer = setTimeout(() => done('no answer'), safetyMs);
    socket.once('open', () => done('open'));
    socket.once('unexpected-response', (_req, res) => done(`HTTP ${res.statusCode}`));
    socket.once('error', (error) => done(`error: ${error.message}`));
  });
}

/** Every TCP socket the app's HTTP server accepted, to destroy those a bug left hanging. */
function trackSockets(server: RunningApp): Set<Socket> {
  const sockets = new Set<Socket>();
  (server.app.getHttpServer() as Server).on('connection', (socket: Socket) => sockets.add(socket));
  return sockets;
}

describe('parity: StompModule.forRootAsync', () => {
  /** Connects at `path`, and checks that a SEND to `{appPrefix}/echo` is handled there. */
  async function expectServed(server: RunningApp, path: string, appPrefix: string, heartbeat: string): Promise<void> {
    const client = await RawStompClient.open(`${server.wsUrl}${path}`);
    try {
      client.send('CONNECT', { 'accept-version': '1.2', host: 'localhost', 'heart-beat': '0,0' });
      const connected = await client.nextFrame('CONNECTED');
      expect(connected.headers['heart-beat']).toBe(heartbeat);
      await subscribe(client, '/topic/echo', 'echo');
      client.send('SEND', { destination: `${appPrefix}/echo`, receipt: 'r-echo' }, '"ping"');
      await receiptFor(client, 'r-echo');
      expect(messagesOf(client).map((m) => JSON.parse(m.text))).toEqual([{ echoed: 'ping' }]);
    } finally {
      await closeAll(client);
    }
  }

  it('useFactory with imports and inject', async () => {
    const server = await startApp(FactoryModule);
    try {
      await expectServed(server, '/factory-stomp', '/factory', '0,0');
    } finally {
      await server.close();
    }
  });

  // Without StompModule, Express answers such an upgrade 404; with it, the same must hold, or the
  // hanging socket would keep app.close() from finishing.
  it('refuses a WebSocket handshake at any other path, promptly', async () => {
    const server = await startApp(FactoryModule);
    const sockets = trackSockets(server);
    try {
      const result = await handshake(`${server.wsUrl}/ws`);
      expect(result).not.toBe('open');
      expect(result).not.toBe('no answer');
    } finally {
      for (const socket of sockets) socket.destroy();
      await server.close();
    }
  });

  it('useClass: a class with create(), instantiated with the injected dependencies of `imports`', async () => {
    const server = await startApp(UseClassModule);
    try {
      await expectServed(server, '/class-stomp', '/klass', '7000,0');
    } finally {
      await server.close();
    }
  });

  it('useExisting: an exported provider of an imported module, its create() called once', async () => {
    const server = await startApp(UseExistingModule);
    try {
      await expectServed(server, '/shared-stomp', '/shared', '0,0');
      expect(server.app.get(SharedOptionsFactory).calls).toEqual(['create']);
    } finally {
      await server.close();
    }
  });

  it('an invalid option from an async factory fails the start-up with a message naming it', async () => {
    @Module({ imports: [StompModule.forRootAsync({ useFactory: async () => ({ endpoint: 'no-slash' }) })] })
    class BrokenModule {}
    await expect(NestFactory.create(BrokenModule, { logger: false, abortOnError: false })).rejects.toThrow("path must start with '/', got 'no-slash'");
  });

  it('a misspelt option from an async factory fails the start-up, naming it and the option meant', async () => {
    // The factory's result is not type-checked against StompModuleOptions the way a literal is.
    const typo = { endpoint: '/ws', brokerPrefix: ['/topic'] } as StompModuleOptions;
    @Module({ imports: [StompModule.forRootAsync({ useFactory: async () => typo })] })
    class MisspeltModule {}
    const started = NestFactory.create(MisspeltModule, { logger: false, abortOnError: false });
    await expect(started).rejects.toBeInstanceOf(StompConfigurationError);
    await expect(started).rejects.toThrow("Unknown StompModule option 'brokerPrefix': did you mean 'brokerPrefixes'?");
  });

  it('a misspelt broker setting from an async factory fails the start-up the same way', async () => {
    const typo = { endpoint: '/ws', broker: { kind: 'redis', chanelPrefix: 'never-used' } } as StompModuleOptions;
    @Module({ imports: [StompModule.forRootAsync({ useFactory: () => typo })] })
    class MisspeltBrokerModule {}
    await expect(NestFactory.create(MisspeltBrokerModule, { logger: false, abortOnError: false })).rejects.toThrow(
      "Unknown StompModule option 'broker.chanelPrefix': did you mean 'channelPrefix'?",
    );
  });
});
