import { createStompTestClient, type StompTestClient, type StompTestSubscription } from 'nest-stomp/testing';
import { startApp, type RunningApp } from './apps.js';

/** One connected client of an app, and what the server reports to it on /user/queue/errors. */
export interface SenderWithErrors {
  readonly server: RunningApp;
  readonly client: StompTestClient;
  /** The client's /user/queue/errors subscription: a fresh one for each test. */
  readonly errors: StompTestSubscription;
}

/**
 * Starts `module` and connects one test client to `{endpoint}` before the tests of the enclosing
 * describe block; closes both after them. Before each test the client subscribes to
 * /user/queue/errors afresh (and drops the previous subscription): a handler's report leaves
 * before the RECEIPT of the SEND that caused it, so none of a previous test's can reach it.
 */
export function useSenderWithErrors(module: unknown, endpoint = '/ws'): SenderWithErrors {
  let started: { server: RunningApp; client: StompTestClient; errors?: StompTestSubscription } | undefined;

  let server: RunningApp | undefined;
  let starting: Promise<void> | undefined;

  // As useApp: a generous timeout, and an app that starts after a timed-out hook is still closed.
  beforeAll(async () => {
    starting = (async () => {
      server = await startApp(module);
      started = { server, client: await createStompTestClient(`${server.wsUrl}${endpoint}`, { timeout: 10_000 }).connect() };
    })();
    await starting;
  }, 30_000);

  afterAll(async () => {
    await starting?.catch(() => undefined);
    await started?.client.disconnect();
    await server?.close();
  });

  beforeEach(async () => {
    await started?.errors?.unsubscribe();
    started!.errors = await started!.client.subscribe('/user/queue/errors');
  });

  const current = () => {
    if (!started) throw new Error('useSenderWithErrors(): the app starts in beforeAll; read it inside a hook or a test');
    return started;
  };
  return {
    get server() {
      return current().server;
    },
    get client() {
      return current().client;
    },
    get errors() {
      const { errors } = current();
      if (!errors) throw new Error('useSenderWithErrors(): the errors subscription is made in beforeEach; read it inside a test');
      return errors;
    },
  };
}
