import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { encodeFrame, forEachFrame, parseFrame, type WireFrame } from '../shared/stomp-wire.js';
import { serveBenchIpc } from './server-ipc.js';

/**
 * (g)'s baseline for the embedded history: the least a STOMP server with a log must do. A SEND is
 * appended to its destination's log (a plain array, never trimmed) and sent, encoded once, to the
 * destination's subscribers with its `x-stream-offset`; a SUBSCRIBE with `x-stream-offset:first`
 * is written every logged message first, then added, in one synchronous step. RECEIPTs for
 * SUBSCRIBE and SEND. No other header is looked at.
 */

interface Logged {
  readonly offset: number;
  readonly body: Buffer;
}

/** destination → subscription id → sockets. */
const subscribers = new Map<string, Map<string, Set<WebSocket>>>();
const logs = new Map<string, Logged[]>();
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
    publish(headers.destination!, Buffer.from(frame.body));
    if (headers.receipt) socket.send(encodeFrame('RECEIPT', { 'receipt-id': headers.receipt }));
  } else if (command === 'SUBSCRIBE') {
    const destination = headers.destination!;
    const id = headers.id!;
    if (headers['x-stream-offset'] === 'first') {
      for (const message of logs.get(destination) ?? []) socket.send(encodeMessage(destination, id, message), { binary: false });
    }
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

function publish(destination: string, body: Buffer): void {
  let log = logs.get(destination);
  if (!log) logs.set(destination, (log = []));
  const message = { offset: log.length, body };
  log.push(message);
  const byId = subscribers.get(destination);
  if (!byId) return;
  for (const [subscriptionId, sockets] of byId) {
    const bytes = encodeMessage(destination, subscriptionId, message);
    for (const socket of sockets) socket.send(bytes, { binary: false });
  }
}

function encodeMessage(destination: string, subscriptionId: string, message: Logged): Buffer {
  const headers = {
    subscription: subscriptionId,
    'message-id': (nextMessageId++).toString(36),
    destination,
    'content-type': 'application/json',
    'x-stream-offset': message.offset,
  };
  return Buffer.from(encodeFrame('MESSAGE', headers, message.body.toString('utf8')), 'utf8');
}

wss.on('listening', () => serveBenchIpc((wss.address() as AddressInfo).port));
