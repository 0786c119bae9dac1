import { Client, type IFrame, type IMessage, type StompHeaders } from '@stomp/stompjs';
import { WebSocket } from 'ws';
import { Wakeups } from './wakeups.js';

/**
 * A connected @stomp/stompjs `Client` over `ws` (Node 20 has no global WebSocket). Reconnect and
 * heart-beats are off unless asked for, so tests decide every frame.
 */
export async function connectStompClient(url: string, options: { connectHeaders?: StompHeaders; protocols?: string[] } = {}): Promise<Client> {
  const client = new Client({
    webSocketFactory: () => new WebSocket(url, options.protocols ?? ['v12.stomp', 'v11.stomp', 'v10.stomp']),
    connectHeaders: options.connectHeaders ?? {},
    reconnectDelay: 0,
    heartbeatIncoming: 0,
    heartbeatOutgoing: 0,
  });
  await new Promise<void>((resolve, reject) => {
    client.onConnect = () => resolve();
    client.onStompError = (frame: IFrame) => reject(new Error(`STOMP ERROR: ${frame.headers.message}`));
    client.onWebSocketError = () => reject(new Error(`WebSocket error connecting to ${url}`));
    client.activate();
  });
  return client;
}

/** Collects the messages of one subscription and resolves waits as they arrive. */
export class Inbox {
  readonly messages: IMessage[] = [];
  private readonly wakeups = new Wakeups();

  readonly listener = (message: IMessage): void => {
    this.messages.push(message);
    this.wakeups.wake();
  };

  /** Resolves once `count` messages have arrived (fails after a safety timeout). */
  async waitFor(count: number, timeoutMs = 5000): Promise<IMessage[]> {
    await this.wakeups.until(() => this.messages.length >= count, timeoutMs, () => new Error(`Timed out: ${this.messages.length} of ${count} messages arrived`));
    return this.messages.slice(0, count);
  }
}

/** Subscribes and waits for the server's RECEIPT, so the subscription is live before the test goes on. */
export async function subscribeConfirmed(client: Client, destination: string, headers: StompHeaders = {}): Promise<Inbox> {
  const inbox = new Inbox();
  const receipt = `sub-${Math.random().toString(36).slice(2)}`;
  const confirmed = new Promise<void>((resolve) => client.watchForReceipt(receipt, () => resolve()));
  client.subscribe(destination, inbox.listener, { ...headers, receipt });
  await confirmed;
  return inbox;
}

/** Publishes and waits for the RECEIPT: the server has taken the frame. */
export async function publishConfirmed(client: Client, destination: string, body: string | Uint8Array, headers: StompHeaders = {}): Promise<void> {
  const receipt = `send-${Math.random().toString(36).slice(2)}`;
  const confirmed = new Promise<void>((resolve) => client.watchForReceipt(receipt, () => resolve()));
  if (typeof body === 'string') client.publish({ destination, body, headers: { ...headers, receipt } });
  else client.publish({ destination, binaryBody: body, headers: { ...headers, receipt } });
  await confirmed;
}

export async function deactivateAll(...clients: Array<Client | undefined>): Promise<void> {
  await Promise.all(clients.map((c) => c?.deactivate()));
}
