import { replyDestinationFor } from '../shared/destinations.js';
import { encodeFrame } from '../shared/stomp-wire.js';
import { serveMinimalStomp } from './minimal-stomp.js';

/**
 * The baseline for STOMP on Node: the least a server must do. It parses frames minimally, has one
 * "handler" (JSON parse + stringify, as any handler that takes a payload object), encodes a MESSAGE
 * once per publish and sends the same bytes to every subscriber, each with its own `ws.send` (one
 * system call per message, as a hand-written server does). Subscribers that chose the same
 * subscription id share one encoding (the generator's clients all use id "0"). No heart-beats, no
 * validation, no receipts but SUBSCRIBE's.
 */

let nextMessageId = 0;

const subscribers = serveMinimalStomp({
  onSend(_socket, frame) {
    const target = replyDestinationFor(frame.headers.destination ?? '');
    if (target) publish(target, JSON.stringify(JSON.parse(frame.body.toString('utf8'))));
  },
});

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
