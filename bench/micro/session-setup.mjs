// In-process: what opening a session costs, as scenario (i) "connection storm" opens them, without
// the sockets. Fake connections go through the library's acceptor (as StompEndpoint hands it each
// WebSocket), each CONNECTs (1.2, heart-beat 0,0) and SUBSCRIBEs to /topic/c{i} with a receipt, and
// the setup is done when its RECEIPT bytes reach the fake connection's send(). Reported per session:
// CPU (µs) and bytes allocated for the setup, bytes still held by an idle connected session after a
// full GC (heap used delta / N: the fake connection's own few dozen bytes included), then CPU and
// bytes allocated to close it (the transport closing, as when the client goes away). Medians of 5
// windows of N sessions (SESSIONS=N, 10,000 by default).
// Run: node --expose-gc --min-semi-space-size=256 --max-semi-space-size=256 bench/micro/session-setup.mjs
// (after npm run build:lib and tsc -p bench/tsconfig.json)
import 'reflect-metadata';
import { collectGarbage as gc, heapUsed as used, median as med } from './measure.mjs';
import { NestFactory } from '@nestjs/core';
const root = new URL('../..', import.meta.url).pathname.replace(/\/$/, '');
const { BenchAppModule } = await import(`${root}/bench/dist/servers/bench-app.module.js`);
const { StompSessionAcceptor } = await import(`${root}/libs/stomp/dist/session/stomp-session.acceptor.js`);
const { StompSessionRegistry } = await import(`${root}/libs/stomp/dist/session/stomp-session.registry.js`);
// As the bench server (bench/servers/nest-stomp-server.ts) runs it: debug lines off.
const app = await NestFactory.create(BenchAppModule, { logger: ['error', 'warn'] });
await app.init();
const acceptor = app.get(StompSessionAcceptor);
const registry = app.get(StompSessionRegistry);

const N = Number(process.env.SESSIONS ?? 10_000);
const R = 0x52; // 'R': RECEIPT is the only frame starting with it that a session sends here
let receipts = 0;
let wake;
/** The fields a WsConnection has, over nothing: what is written is only looked at for the RECEIPT. */
class FakeConnection {
  transport = 'websocket';
  remoteAddress = '127.0.0.1';
  headers = HEADERS;
  url = '/ws';
  protocol = 'v12.stomp';
  bufferedAmount = 0;
  bytesReceived = 0;
  bytesSent = 0;
  listener = undefined;
  listen(listener) {
    this.listener = listener;
  }
  send(data) {
    if (data[0] === R && ++receipts === N && wake) wake();
  }
  close() {}
  terminate() {}
}
const HEADERS = { host: '127.0.0.1', upgrade: 'websocket', connection: 'Upgrade', 'sec-websocket-version': '13', 'sec-websocket-protocol': 'v12.stomp' };
const CONNECT = Buffer.from('CONNECT\naccept-version:1.2\nhost:127.0.0.1\nheart-beat:0,0\n\n\0');
// What the client sends arrives in buffers of the socket's: made before the window, not counted.
const SUBSCRIBES = Array.from({ length: N }, (_, i) => Buffer.from(`SUBSCRIBE\nid:0\ndestination:/topic/c${i}\nreceipt:r${i}\n\n\0`));
const connections = Array.from({ length: N }, () => new FakeConnection());

async function open() {
  receipts = 0;
  for (let i = 0; i < N; i++) {
    const connection = connections[i];
    acceptor.accept(connection);
    connection.listener.onData(CONNECT);
    connection.listener.onData(SUBSCRIBES[i]);
  }
  if (receipts < N) await new Promise((resolve) => (wake = resolve));
  wake = undefined;
}
function closeAll() {
  for (let i = 0; i < N; i++) {
    const connection = connections[i];
    connection.listener.onClose(1000, '');
    // A closed WebSocket is dropped with its listener: the fake one must not keep the session alive.
    connection.listener = undefined;
  }
}

// Warm-up: the same paths, optimised before anything is measured.
for (let r = 0; r < 3; r++) {
  await open();
  closeAll();
}
if (registry.size !== 0) throw new Error(`${registry.size} sessions left open after the warm-up`);
const setupCpu = [];
const setupBytes = [];
const retained = [];
const closeCpu = [];
const closeBytes = [];
for (let r = 0; r < 5; r++) {
  gc();
  const base = used();
  let c0 = process.cpuUsage();
  await open();
  let c = process.cpuUsage(c0);
  setupBytes.push((used() - base) / N);
  setupCpu.push((c.user + c.system) / N);
  gc();
  const idle = used();
  retained.push((idle - base) / N);
  c0 = process.cpuUsage();
  closeAll();
  c = process.cpuUsage(c0);
  closeBytes.push((used() - idle) / N);
  closeCpu.push((c.user + c.system) / N);
  if (registry.size !== 0) throw new Error(`${registry.size} sessions left open after closing`);
}
const round = (a, d = 0) => a.map((x) => +x.toFixed(d));
console.log(
  JSON.stringify({
    sessions: N,
    setupCpuMicros: +med(setupCpu).toFixed(2),
    setupBytes: Math.round(med(setupBytes)),
    retainedBytesPerSession: Math.round(med(retained)),
    closeCpuMicros: +med(closeCpu).toFixed(2),
    closeBytes: Math.round(med(closeBytes)),
    all: { setupCpu: round(setupCpu, 2), setupBytes: round(setupBytes), retained: round(retained), closeCpu: round(closeCpu, 2), closeBytes: round(closeBytes) },
  }),
);
await app.close();
