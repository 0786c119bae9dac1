import { encodeFrame } from '../shared/stomp-wire.js';
import { serveMinimalStomp } from './minimal-stomp.js';

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

const logs = new Map<string, Logged[]>();
let nextMessageId = 0;

const subscribers = serveMinimalStomp({
  onSend(socket, frame) {
    publish(frame.headers.destination!, Buffer.from(frame.body));
    if (frame.headers.receipt) socket.send(encodeFrame('RECEIPT', { 'receipt-id': frame.headers.receipt }));
  },
  beforeSubscribe(socket, destination, subscriptionId, frame) {
    if (frame.headers['x-stream-offset'] !== 'first') return;
    for (const message of logs.get(destination) ?? []) socket.send(encodeMessage(destination, subscriptionId, message), { binary: false });
  },
});

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
