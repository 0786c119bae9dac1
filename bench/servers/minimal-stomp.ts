import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { encodeFrame, forEachFrame, parseFrame, type WireFrame } from '../shared/stomp-wire.js';
import { serveBenchIpc } from './server-ipc.js';

/** destination → subscription id → sockets. */
export type MinimalSubscribers = Map<string, Map<string, Set<WebSocket>>>;

export interface MinimalStompHandlers {
  /** A SEND: what the server does with it is what it is the baseline of. */
  onSend(socket: WebSocket, frame: WireFrame): void;
  /** Before a SUBSCRIBE adds the socket (the history baseline writes its replay here). */
  beforeSubscribe?(socket: WebSocket, destination: string, subscriptionId: string, frame: WireFrame): void;
}

/**
 * What the bench's minimal STOMP servers share: a `ws` server on `/ws` (STOMP 1.2 sub-protocol, no
 * compression), frames parsed minimally, CONNECTED for CONNECT, SUBSCRIBE indexed by destination and
 * id (and answered with its RECEIPT), DISCONNECT closing; each server's SEND is its own. Tells the
 * bench its port when listening.
 */
export function serveMinimalStomp(handlers: MinimalStompHandlers): MinimalSubscribers {
  const subscribers: MinimalSubscribers = new Map();
  const wss = new WebSocketServer({
    host: '127.0.0.1',
    port: 0,
    path: '/ws',
    perMessageDeflate: false,
    handleProtocols: (offered) => (offered.has('v12.stomp') ? 'v12.stomp' : false),
  });

  wss.on('connection', (socket) => {
    const own: Array<[destination: string, id: string]> = [];
    socket.on('message', (data: Buffer) => forEachFrame(data, (frame) => onFrame(socket, own, parseFrame(frame))));
    socket.on('close', () => {
      for (const [destination, id] of own) subscribers.get(destination)?.get(id)?.delete(socket);
    });
    socket.on('error', () => undefined);
  });

  function onFrame(socket: WebSocket, own: Array<[string, string]>, frame: WireFrame): void {
    const { command, headers } = frame;
    if (command === 'SEND') {
      handlers.onSend(socket, frame);
    } else if (command === 'SUBSCRIBE') {
      const destination = headers.destination!;
      const id = headers.id!;
      handlers.beforeSubscribe?.(socket, destination, id, frame);
      let byId = subscribers.get(destination);
      if (!byId) subscribers.set(destination, (byId = new Map()));
      let sockets = byId.get(id);
      if (!sockets) byId.set(id, (sockets = new Set()));
      sockets.add(socket);
      own.push([destination, id]);
      if (headers.receipt) socket.send(encodeFrame('RECEIPT', { 'receipt-id': headers.receipt }));
    } else if (command === 'CONNECT' || command === 'STOMP') {
      socket.send(encodeFrame('CONNECTED', { version: '1.2', 'heart-beat': '0,0' }));
    } else if (command === 'DISCONNECT') {
      socket.close(1000);
    }
  }

  wss.on('listening', () => serveBenchIpc((wss.address() as AddressInfo).port));
  return subscribers;
}
