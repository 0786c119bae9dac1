import type { Client } from '@stomp/stompjs';
import { appFixture, startChatInstance, type AppFixture, type RunningApp } from './apps.js';
import { connectStompClient, deactivateAll } from './stomp-clients.js';

/** Two application instances on one shared broker, as a deployment of several runs them. */
export interface TwoInstances {
  readonly a: AppFixture;
  readonly b: AppFixture;
  /**
   * A @stomp/stompjs client of `app`, signed in as `login` when given. One opened in a test is
   * deactivated after that test; one opened in a beforeAll hook, after the last test.
   */
  client(app: AppFixture, login?: string): Promise<Client>;
}

export interface TwoInstancesOptions {
  /** Starts one instance, resolving once its broker is available. */
  readonly start: () => Promise<RunningApp>;
  /** The STOMP endpoint `client()` connects to. */
  readonly endpoint: string;
  /** Environment variables set while the instances run (the chat app chooses its broker by them). */
  readonly env?: Readonly<Record<string, string>>;
}

/** How long starting both instances may take. */
const START_TIMEOUT_MS = 60_000;

/** Starts two instances (see `TwoInstancesOptions`) before the tests of the enclosing describe block and closes them after. */
export function useTwoInstances(options: TwoInstancesOptions): TwoInstances {
  let a: RunningApp | undefined;
  let b: RunningApp | undefined;
  const saved: Record<string, string | undefined> = {};
  const suiteClients: Client[] = [];
  const testClients: Client[] = [];
  let inTest = false;
  let starting: Promise<void> | undefined;

  // Two applications on a busy machine may take longer than jest's default 5 s hook timeout; and an
  // instance that starts after a timed-out hook must still be closed (afterAll waits for it), or
  // its server and broker connections keep jest from exiting.
  beforeAll(async () => {
    for (const [name, value] of Object.entries(options.env ?? {})) {
      saved[name] = process.env[name];
      process.env[name] = value;
    }
    starting = (async () => {
      a = await options.start();
      b = await options.start();
    })();
    await starting;
  }, START_TIMEOUT_MS);

  beforeEach(() => {
    inTest = true;
  });

  afterEach(async () => {
    inTest = false;
    await deactivateAll(...testClients.splice(0));
  });

  // When a start failed there is less to close, and its own error is the one to report.
  afterAll(async () => {
    await starting?.catch(() => undefined);
    await deactivateAll(...suiteClients.splice(0));
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    await a?.close();
    await b?.close();
  });

  return {
    a: appFixture(() => a, 'useTwoInstances()'),
    b: appFixture(() => b, 'useTwoInstances()'),
    async client(app, login) {
      const client = await connectStompClient(`${app.wsUrl}${options.endpoint}`, login ? { connectHeaders: { login } } : {});
      (inTest ? testClients : suiteClients).push(client);
      return client;
    },
  };
}

/** Two instances of the chat app itself, its broker chosen by `env` (STOMP_BROKER...) as the README runs several. */
export function useTwoChatInstances(env: Readonly<Record<string, string>>): TwoInstances {
  return useTwoInstances({ start: startChatInstance, endpoint: '/portfolio', env });
}
