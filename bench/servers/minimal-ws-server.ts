import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { replyDestinationFor } from '../shared/destinations.js';
import { encodeFrame, forEachFrame, parseFrame, type WireFrame } from '../shared/stomp-wire.js';
import { serveBenchIpc } from './server-ipc.js';

/**
 * The ceiling for STOMP on Node: the least a server must do. It parses frames minimally, has one
 * "handler" (JSON parse + stringify, as any handler that takes a payload object), encodes a MESSAGE
 * once per publish and sends the same bytes to every subscriber. Subscribers that chose the same
 * subscription id share one encoding (the generator's clients all use id "0"). No heart-beats, no
 * validation, no receipts but SUBSCRIBE's.
 */

/** destination → subscription id → sockets. */
const subscribers = new Map<string, Map<string, Set<WebSocket>>>();
let nextMessageId = 0;

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
    const target = replyDestinationFor(headers.destination ?? '');
    if (target) publish(target, JSON.stringify(JSON.parse(frame.body.toString('utf8'))));
  } else if (command === 'SUBSCRIBE') {
    const destination = headers.destination!;
    const id = headers.id!;
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

function publish(destination: string, body: string): void {
  const byId = subscribers.get(destination);
  if (!byId) return;
  const messageId = (nextMessageId++).toString(36);
  for (const [subscriptionId, sockets] of byId) {
    const headers = { subscription: subscriptionId, 'message-id': messageId, destination, 'content-type': 'application/json' };
    const bytes = Buffer.from(encodeFrame('MESSAGE', headers, body), 'utf8');
    for (const socket of sockets) socket.send(bytes, { binary: false });
  }
}

wss.on('listening', () => serveBenchIpc((wss.address() as AddressInfo).port));
