// In-process: scenario (b)'s whole per-message path through real sessions, from the WebSocket
// message's bytes (the connection listener's onData) to the reply MESSAGE's bytes handed to the
// connection (send): decoder, inbound queue, frame effects, dispatcher, handler invoker (conversion,
// the bench's `@MessageMapping('/echo/{id}') @SendTo('/topic/reply/{id}')` handler, reply routing),
// the simple broker and the subscriber's outbound frames. Bytes allocated and CPU per message.
// Run: node --expose-gc --min-semi-space-size=256 --max-semi-space-size=256 bench/micro/session-path.mjs
// (after npm run build:lib and npx tsc -p bench/tsconfig.json). SESSIONS=1000 by default.
import 'reflect-metadata';
import { bytesPerOperation, cpuMicrosPerOperation, perMessageReport } from './measure.mjs';
import { NestFactory } from '@nestjs/core';
const root = new URL('../..', import.meta.url).pathname.replace(/\/$/, '');
const { BenchAppModule } = await import(`${root}/bench/dist/servers/bench-app.module.js`);
const { StompSessionAcceptor } = await import(`${root}/libs/stomp/dist/session/stomp-session.acceptor.js`);
const app = await NestFactory.create(BenchAppModule, { logger: false });
await app.init();
const acceptor = app.get(StompSessionAcceptor);

const SESSIONS = Number(process.env.SESSIONS ?? 1000);
let replies = 0;
let expected = 0;
let wake = () => undefined;
let receipts = 0;
let subscribed = () => undefined;
const allSubscribed = new Promise((resolve) => (subscribed = resolve));

/** The transport's side of a session: what ws-connection.ts gives, minus the socket. */
class FakeConnection {
  transport = 'websocket';
  remoteAddress = '127.0.0.1';
  headers = {};
  url = '/ws';
  protocol = 'v12.stomp';
  bufferedAmount = 0;
  bytesReceived = 0;
  bytesSent = 0;
  listener = undefined;
  /** The last frame written: checked once, so the bench measures what it claims to. */
  last = undefined;
  listen(listener) {
    this.listener = listener;
  }
  send(data) {
    this.bytesSent += data.length;
    this.last = data;
    if (data[0] === 0x4d /* M */ && ++replies === expected) wake();
    else if (data[0] === 0x52 /* R */ && ++receipts === SESSIONS) subscribed();
  }
  close() {}
  terminate() {}
}

const frame = (command, headers, body = '') => {
  let text = `${command}\n`;
  for (const name in headers) text += `${name}:${headers[name]}\n`;
  if (body.length > 0) text += `content-length:${Buffer.byteLength(body)}\n`;
  return Buffer.from(`${text}\n${body}\0`);
};

const connections = [];
const sends = [];
for (let i = 0; i < SESSIONS; i++) {
  const connection = new FakeConnection();
  acceptor.accept(connection);
  connection.listener.onData(frame('CONNECT', { 'accept-version': '1.2', host: 'localhost', 'heart-beat': '0,0' }));
  connection.listener.onData(frame('SUBSCRIBE', { id: '0', destination: `/topic/reply/${i}`, receipt: 'r0' }));
  connections.push(connection);
  // 256 bytes of JSON, as the bench's payload.
  const empty = JSON.stringify({ seq: 1, sender: `p${i}`, content: '' }).length;
  const body = JSON.stringify({ seq: 1, sender: `p${i}`, content: 'x'.repeat(256 - empty) });
  sends.push(frame('SEND', { destination: `/app/echo/${i}`, 'content-type': 'application/json' }, body));
}
await allSubscribed;
for (const connection of connections) {
  if (!connection.last || !connection.last.toString().startsWith('RECEIPT')) throw new Error(`session not subscribed: ${connection.last}`);
}

/** One round: every session SENDs once; resolves when every reply reached its connection. */
function round() {
  expected = replies + SESSIONS;
  const done = new Promise((resolve) => (wake = resolve));
  for (let i = 0; i < SESSIONS; i++) connections[i].listener.onData(sends[i]);
  return done;
}
async function run(messages) {
  for (let n = 0; n < messages; n += SESSIONS) await round();
}

await run(200_000);
const reply = connections[7].last.toString();
if (!reply.startsWith('MESSAGE\n') || !reply.includes('destination:/topic/reply/7\n') || !reply.includes('"sender":"p7"')) throw new Error(`unexpected reply: ${reply}`);

const bytes = await bytesPerOperation(() => run(20_000), 20_000);
const cpu = await cpuMicrosPerOperation(() => run(100_000), 100_000);
console.log(perMessageReport(bytes, cpu, { sessions: SESSIONS }));
await app.close();
