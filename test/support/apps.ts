import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { AddressInfo } from 'node:net';
import { firstValueFrom, filter } from 'rxjs';
import { STOMP_BROKER, type MessageBroker } from 'nest-stomp';
import { AppModule } from '../../apps/chat/src/app.module.js';

export interface RunningApp {
  readonly app: INestApplication;
  readonly port: number;
  /** `http://127.0.0.1:PORT` */
  readonly httpUrl: string;
  /** `ws://127.0.0.1:PORT` */
  readonly wsUrl: string;
  close(): Promise<void>;
}

/** Boots a Nest application module on a free port (or `port`), as `main.ts` would, without its logs. */
export async function startApp(module: unknown, configure?: (app: INestApplication) => void | Promise<void>, port = 0): Promise<RunningApp> {
  const app = await NestFactory.create(module as never, { logger: false });
  await configure?.(app);
  await app.listen(port, '127.0.0.1');
  return runningApp(app);
}

/** How long one application may take to start in a test's beforeAll. */
const APP_START_TIMEOUT_MS = 30_000;

/** The app a describe block tests against: only there once its beforeAll has run. */
export type AppFixture = Omit<RunningApp, 'close'>;

/** Starts `module` (see `startApp`) before the tests of the enclosing describe block, and closes it after them. */
export function useApp(module: unknown, configure?: (app: INestApplication) => void | Promise<void>): AppFixture {
  let running: RunningApp | undefined;
  let starting: Promise<void> | undefined;
  // A busy machine may take longer than jest's default 5 s hook timeout; an app that starts after a
  // timed-out hook is still closed (afterAll waits for it), so it cannot keep jest from exiting.
  beforeAll(async () => {
    starting = startApp(module, configure).then((app) => {
      running = app;
    });
    await starting;
  }, APP_START_TIMEOUT_MS);
  // When startApp failed there is nothing to close, and its own error is the one to report.
  afterAll(async () => {
    await starting?.catch(() => undefined);
    await running?.close();
  });
  return appFixture(() => running, 'useApp()');
}

/**
 * The app a fixture starts in a beforeAll hook, read through `started()`. Read while jest collects
 * the tests, there is no app yet: say so rather than hand out `undefined`.
 */
export function appFixture(started: () => RunningApp | undefined, fixture: string): AppFixture {
  const running = (): RunningApp => {
    const app = started();
    if (!app) throw new Error(`${fixture}: the app starts in beforeAll; read it inside a hook or a test`);
    return app;
  };
  return {
    get app() {
      return running().app;
    },
    get port() {
      return running().port;
    },
    get httpUrl() {
      return running().httpUrl;
    },
    get wsUrl() {
      return running().wsUrl;
    },
  };
}

/** The URLs and port of an app that already listens, and its `close()`. */
export function runningApp(app: INestApplication): RunningApp {
  const { port } = app.getHttpServer().address() as AddressInfo;
  return {
    app,
    port,
    httpUrl: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}`,
    close: () => app.close(),
  };
}

/** How many TCP sockets the app's HTTP server holds open (upgraded WebSocket ones included). */
export async function serverConnections(app: INestApplication): Promise<number> {
  const server = app.getHttpServer() as { getConnections(cb: (error: Error | null, count: number) => void): void };
  return new Promise((resolve, reject) => server.getConnections((error, count) => (error ? reject(error) : resolve(count))));
}

/** Resolves once the app's broker says it is (or is not) `available`; at once when it already does. */
export async function brokerAvailable(app: INestApplication, available = true): Promise<void> {
  const broker = app.get<MessageBroker>(STOMP_BROKER);
  if (!broker.availability$) throw new Error('This broker reports no availability');
  await firstValueFrom(broker.availability$.pipe(filter((value) => value === available)));
}

/**
 * One instance of the chat app, its broker chosen by the environment (STOMP_BROKER...), as the README
 * runs several. External brokers connect in the background at start-up: this waits until it is there.
 */
export async function startChatInstance(): Promise<RunningApp> {
  const chat = await startApp(AppModule);
  await brokerAvailable(chat.app);
  return chat;
}
