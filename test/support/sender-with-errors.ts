import type { Client, IMessage } from '@stomp/stompjs';
import { startApp, type RunningApp } from './apps.js';
import type { Recorder } from './recorder.js';
import { barrier, connectStompClient, deactivateAll, subscribeConfirmed } from './stomp-clients.js';

/** One connected client of an app, and what the server reports to it on /user/queue/errors. */
export interface SenderWithErrors {
  readonly server: RunningApp;
  readonly client: Client;
  /** The client's /user/queue/errors subscription, emptied before each test. */
  readonly errors: Recorder<IMessage>;
}

/**
 * Starts `module` and connects one client to `{endpoint}` subscribed to /user/queue/errors, before
 * the tests of the enclosing describe block; closes both after them. Before each test a RECEIPT
 * round trip lets every report of the previous test arrive, then the inbox is emptied.
 */
export function useSenderWithErrors(module: unknown, endpoint = '/ws'): SenderWithErrors {
  let started: SenderWithErrors | undefined;

  beforeAll(async () => {
    const server = await startApp(module);
    const client = await connectStompClient(`${server.wsUrl}${endpoint}`);
    started = { server, client, errors: await subscribeConfirmed(client, '/user/queue/errors') };
  });

  afterAll(async () => {
    await deactivateAll(started?.client);
    await started?.server.close();
  });

  // A handler's reply, its error report and the RECEIPT of the SEND leave the server in this order on
  // the sender's connection: once a confirmed publish resolves, the reply or report is already here.
  beforeEach(async () => {
    await barrier(current().client);
    current().errors.items.length = 0;
  });

  const current = (): SenderWithErrors => {
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
      return current().errors;
    },
  };
}
