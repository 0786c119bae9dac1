import { unique } from './unique.js';
import { Client, type IFrame, type IMessage, type StompHeaders } from '@stomp/stompjs';
import { WebSocket } from 'ws';
import { Recorder } from './recorder.js';

/** A connected @stomp/stompjs client and the CONNECTED frame it got (user-name, session...). */
export interface ConnectedClient {
  readonly client: Client;
  readonly connected: IFrame;
  /** The server's session id, from CONNECTED's `session` header. */
  readonly sessionId: string;
}

/**
 * A connected @stomp/stompjs `Client` over `ws` (Node 20 has no global WebSocket), and the CONNECTED
 * frame it got. Reconnect and heart-beats are off, so tests decide every frame.
 */
export async function connectWithFrame(url: string, connectHeaders: StompHeaders = {}, protocols = ['v12.stomp', 'v11.stomp', 'v10.stomp']): Promise<ConnectedClient> {
  const client = new Client({
    webSocketFactory: () => new WebSocket(url, protocols),
    connectHeaders,
    reconnectDelay: 0,
    heartbeatIncoming: 0,
    heartbeatOutgoing: 0,
  });
  const connected = await new Promise<IFrame>((resolve, reject) => {
    client.onConnect = (frame) => resolve(frame);
    client.onStompError = (frame: IFrame) => reject(new Error(`STOMP ERROR: ${frame.headers.message}`));
    client.onWebSocketError = () => reject(new Error(`WebSocket error connecting to ${url}`));
    client.activate();
  });
  return { client, connected, sessionId: connected.headers.session! };
}

/** Like `connectWithFrame`, for a test that needs the client only. */
export async function connectStompClient(url: string, options: { connectHeaders?: StompHeaders; protocols?: string[] } = {}): Promise<Client> {
  return (await connectWithFrame(url, options.connectHeaders, options.protocols)).client;
}

/** Subscribes and waits for the server's RECEIPT, so the subscription is live before the test goes on. */
export async function subscribeConfirmed(client: Client, destination: string, headers: StompHeaders = {}): Promise<Recorder<IMessage>> {
  const inbox = new Recorder<IMessage>();
  const receipt = `sub-${Math.random().toString(36).slice(2)}`;
  const confirmed = new Promise<void>((resolve) => client.watchForReceipt(receipt, () => resolve()));
  client.subscribe(destination, inbox.push, { ...headers, receipt });
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

/**
 * A RECEIPT round trip on `client`'s own connection: every frame the server wrote to this client
 * before it handled the barrier (e.g. a MESSAGE caused by another client's earlier, confirmed SEND)
 * has arrived when this resolves. Used to prove that something did NOT arrive.
 */
export async function barrier(client: Client): Promise<void> {
  await publishConfirmed(client, `/topic/${unique('barrier')}`, '', { 'content-type': 'text/plain' });
}

/** The bodies of messages, JSON parsed where they parse. */
export function bodies(messages: readonly IMessage[]): unknown[] {
  return messages.map((m) => {
    try {
      return JSON.parse(m.body) as unknown;
    } catch {
      return m.body;
    }
  });
}

export async function deactivateAll(...clients: Array<Client | undefined>): Promise<void> {
  await Promise.all(clients.map((c) => c?.deactivate()));
}
