import type { INestApplication } from '@nestjs/common';
import { Client, type IFrame, type IMessage, type StompHeaders } from '@stomp/stompjs';
import { WebSocket } from 'ws';
import { StompEvents, type StompEvent } from 'nest-stomp';
import { publishConfirmed } from './stomp-clients.js';
import { Wakeups } from './wakeups.js';

/** A connected @stomp/stompjs client and the CONNECTED frame it got (user-name, session...). */
export interface ConnectedClient {
  readonly client: Client;
  readonly connected: IFrame;
  /** The server's session id, from CONNECTED's `session` header. */
  readonly sessionId: string;
}

/** Like `connectStompClient`, but hands back the CONNECTED frame too. */
export async function connectWithFrame(url: string, connectHeaders: StompHeaders = {}): Promise<ConnectedClient> {
  const client = new Client({
    webSocketFactory: () => new WebSocket(url, ['v12.stomp', 'v11.stomp', 'v10.stomp']),
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

let counter = 0;
/** A unique name, so tests never see each other's traffic. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${++counter}-${Math.random().toString(36).slice(2, 8)}`;
}

/**
 * A RECEIPT round trip on `client`'s own connection: every frame the server wrote to this client
 * before it handled the barrier (e.g. a MESSAGE caused by another client's earlier, confirmed SEND)
 * has arrived when this resolves. Used to prove that something did NOT arrive.
 */
export async function barrier(client: Client): Promise<void> {
  await publishConfirmed(client, `/topic/${uniqueName('barrier')}`, '', { 'content-type': 'text/plain' });
}

export function bodies(messages: readonly IMessage[]): unknown[] {
  return messages.map((m) => {
    try {
      return JSON.parse(m.body) as unknown;
    } catch {
      return m.body;
    }
  });
}

/** A list that can be awaited on: resolves waits as items arrive (safety timeout only). */
export class Recorder<T> {
  readonly items: T[] = [];
  private readonly wakeups = new Wakeups();

  push = (item: T): void => {
    this.items.push(item);
    this.wakeups.wake();
  };

  /** Resolves with the first item matching `predicate` (already recorded or still to come). */
  async first(predicate: (item: T) => boolean, what = 'an item', timeoutMs = 5000): Promise<T> {
    await this.until(() => this.items.some(predicate), what, timeoutMs);
    return this.items.find(predicate)!;
  }

  /** Waits until `count` matching items were recorded and returns them. */
  async count(predicate: (item: T) => boolean, count: number, what = 'items', timeoutMs = 5000): Promise<T[]> {
    await this.until(() => this.items.filter(predicate).length >= count, `${count} ${what}`, timeoutMs);
    return this.items.filter(predicate);
  }

  async until(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
    await this.wakeups.until(condition, timeoutMs, () => new Error(`Timed out waiting for ${what}`));
  }
}

/** Every STOMP event of an app, from `StompEvents.events$`, awaitable. */
export function recordEvents(app: INestApplication): Recorder<StompEvent> & { stop(): void } {
  const recorder = new Recorder<StompEvent>() as Recorder<StompEvent> & { stop(): void };
  const subscription = app.get(StompEvents).events$.subscribe(recorder.push);
  recorder.stop = () => subscription.unsubscribe();
  return recorder;
}

/** The session id of an event, if it has one. */
export function sessionOf(event: StompEvent): string | undefined {
  return 'session' in event ? event.session.id : undefined;
}

/** How many TCP sockets the app's HTTP server holds open (upgraded WebSocket ones included). */
export async function serverConnections(app: INestApplication): Promise<number> {
  const server = app.getHttpServer() as { getConnections(cb: (error: Error | null, count: number) => void): void };
  return new Promise((resolve, reject) => server.getConnections((error, count) => (error ? reject(error) : resolve(count))));
}

/** Polls a server-side condition no frame announces (a socket closed), with a safety timeout. */
export async function eventually(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
