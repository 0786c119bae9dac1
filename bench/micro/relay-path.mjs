// In-process: the relay's broker -> client path (decode a broker MESSAGE, make the client's frame)
// against a fake broker on a local socket that sends RabbitMQ-shaped MESSAGEs (a `receipt` copied
// from the SEND, as RabbitMQ does). The subscriber encodes what deliverFrame hands it, as a session
// without outbound interceptors does, so both ways pay for the bytes they write.
// SUBSCRIBERS=N: the shared-subscription path instead (shareTopicSubscriptions): N subscribers of one
// /topic (stomp.js's sub-0 each), the MESSAGEs sent once on the relay's shared connection; the
// figures are then per delivery, each subscriber writing what its template's frameFor gives.
// Run: node --expose-gc --min-semi-space-size=256 --max-semi-space-size=256 bench/micro/relay-path.mjs (after npm run build:lib)
import { bytesPerOperation, cpuMicrosPerOperation, perMessageReport } from './measure.mjs';
import { createServer } from 'node:net';
const root = new URL('../..', import.meta.url).pathname.replace(/\/$/, '');
const { StompBrokerRelay } = await import(`${root}/libs/stomp/dist/broker/relay/stomp-broker-relay.js`);
const { encodeFrame } = await import(`${root}/libs/stomp/dist/protocol/frame-encoder.js`);

const body = JSON.stringify({ seq: 1, sender: 'publisher', content: 'x'.repeat(200) });
const SUBSCRIBERS = Number(process.env.SUBSCRIBERS ?? 0);
const message = (i) =>
  `MESSAGE\nsubscription:${SUBSCRIBERS ? 'shared-0' : 'sub-0'}\ndestination:/topic/bench.fanout\nmessage-id:T_sub-0@@session-AbCdEfGhIjKlMnOp@@${i}\nredelivered:false\n` +
  `receipt:r${i}\ncontent-type:application/json\ncontent-length:${Buffer.byteLength(body)}\n\n${body}\0`;
const BATCH = 2000;
const batch = Buffer.from(Array.from({ length: BATCH }, (_, i) => message(i)).join(''));

let client; // the relay's connection for the subscriber (the shared one with SUBSCRIBERS)
const server = createServer((socket) => {
  let buffered = '';
  socket.on('data', (data) => {
    buffered += data.toString('latin1');
    let nul;
    while ((nul = buffered.indexOf('\0')) !== -1) {
      const frame = buffered.slice(0, nul).replace(/^\n+/, '');
      buffered = buffered.slice(nul + 1);
      const command = frame.slice(0, frame.indexOf('\n'));
      if (command === 'CONNECT') socket.write('CONNECTED\nversion:1.2\nheart-beat:0,0\nserver:RabbitMQ/3.10.8\n\n\0');
      const receipt = /\nreceipt:([^\n]*)/.exec(frame);
      if (receipt) socket.write(`RECEIPT\nreceipt-id:${receipt[1]}\n\n\0`);
      if (SUBSCRIBERS && frame.includes('\nid:shared-0')) client = socket;
    }
  });
  if (!client && !SUBSCRIBERS) client = socket;
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const { port } = server.address();

let delivered = 0;
let wanted = 0;
let done;
const got = () => { if (++delivered === wanted) done(); };
const newSubscriber = (id) => ({
  id, version: '1.2', isClosed: false, principal: undefined,
  deliver: (bytes) => { if (bytes.length > 0) got(); },
  deliverFrame: (frame) => { if (encodeFrame(frame, '1.2').length > 0) got(); },
  deliverMessage: (template, subscriptionId, messageId) => { if (template.frameFor('1.2', subscriptionId, messageId).length > 0) got(); },
  brokerLost: (reason) => console.error('lost', reason),
});
const relay = new StompBrokerRelay({
  addresses: [{ host: '127.0.0.1', port }], clientLogin: 'g', clientPasscode: 'g', systemLogin: 'g', systemPasscode: 'g',
  virtualHost: undefined, heartbeat: [0, 0], reconnectDelay: 1000, maxReconnectDelay: 1000, connectTimeout: 5000, clientQueues: [],
  shareTopicSubscriptions: SUBSCRIBERS > 0,
});
await relay.start();
client = undefined;
const subscribers = Array.from({ length: Math.max(SUBSCRIBERS, 1) }, (_, i) => newSubscriber(`s${i}`));
for (const subscriber of subscribers) await relay.connect(subscriber);
for (const subscriber of SUBSCRIBERS ? subscribers : []) await relay.subscribe(subscriber, 'sub-0', '/topic/bench.fanout', {});
while (!client) await new Promise((r) => setTimeout(r, 10));
const DELIVERIES = Math.max(SUBSCRIBERS, 1);
// With N subscribers each MESSAGE is N deliveries: a tenth of the batches keeps the run short.
const scaled = (batches) => (SUBSCRIBERS ? Math.max(1, batches / 10) : batches);

/** Sends `batches` × BATCH MESSAGEs and waits until the subscriber had them all. */
async function run(unscaled) {
  const batches = scaled(unscaled);
  delivered = 0;
  wanted = batches * BATCH * DELIVERIES;
  const finished = new Promise((resolve) => (done = resolve));
  for (let i = 0; i < batches; i++) client.write(batch);
  await finished;
}
await run(50);
const bytes = await bytesPerOperation(() => run(10), scaled(10) * BATCH * DELIVERIES);
const cpu = await cpuMicrosPerOperation(() => run(50), scaled(50) * BATCH * DELIVERIES);
console.log(perMessageReport(bytes, cpu));
await relay.close();
server.close();
process.exit(0);
