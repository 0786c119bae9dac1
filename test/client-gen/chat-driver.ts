// A program a client team writes against the chat's generated client. test/client-gen copies it
// next to a freshly generated client (the import below then reads './client.js'), type-checks
// both with tsc under strict, runs it with node against a running chat, and reads what it printed.
// Here it imports the committed client, so `npm run typecheck` checks it against that one too.
import { Client, type StompHeaders } from '@stomp/stompjs';
import { WebSocket } from 'ws';
import { createStompApi, type PrivateMessage, type RoomMessage, type StompErrorReport } from '../../apps/chat/client/chat-client.js';

/** What the driver saw, printed as one line of JSON. */
export interface DriverReport {
  readonly rooms: string[];
  readonly online: string[];
  readonly room: { readonly room: string; readonly sender: string; readonly content: string };
  readonly private: { readonly from: string; readonly to: string; readonly content: string };
  readonly error: { readonly destination: string; readonly error: string; readonly details: string[] };
}

async function connect(url: string, login: string): Promise<Client> {
  const client = new Client({ webSocketFactory: () => new WebSocket(url, ['v12.stomp']), connectHeaders: { login }, reconnectDelay: 0 });
  await new Promise<void>((resolve, reject) => {
    client.onConnect = () => resolve();
    client.onStompError = (frame) => reject(new Error(`${login} was refused: ${frame.headers['message'] ?? frame.body}`));
    client.onWebSocketError = () => reject(new Error(`${login} could not reach ${url}`));
    client.activate();
  });
  return client;
}

/** Subscribes through `subscribe` and waits for the server's RECEIPT: the subscription is live. */
async function subscribed(client: Client, subscribe: (headers: StompHeaders) => unknown): Promise<void> {
  const receipt = `subscribed-${Math.random().toString(36).slice(2)}`;
  await new Promise<void>((resolve) => {
    client.watchForReceipt(receipt, () => resolve());
    subscribe({ receipt });
  });
}

/** A promise and the function that settles it, for a message still to come. */
function nextMessage<T>(what: string): { readonly arrived: Promise<T>; readonly take: (message: T) => void } {
  let take: (message: T) => void = () => undefined;
  const arrived = new Promise<T>((resolve) => {
    take = (message) => {
      process.stderr.write(`driver: got ${what}\n`);
      resolve(message);
    };
  });
  return { arrived, take };
}

async function drive(url: string, suffix: string): Promise<DriverReport> {
  const alice = await connect(url, `alice${suffix}`);
  const bob = await connect(url, `bob${suffix}`);
  try {
    const asAlice = createStompApi(alice);
    const asBob = createStompApi(bob);

    // @SubscribeMapping replies, as promises.
    const rooms = await asAlice.rooms.get({ timeout: 30_000 });
    const online = await asAlice.presence.get({ timeout: 30_000 });

    // A room message, from one client to another.
    const roomMessage = nextMessage<RoomMessage>('the room message');
    await subscribed(bob, (headers) => asBob.room.subscribe('general', roomMessage.take, headers));
    asAlice.room.send('general', { content: 'Hello, general' });
    const room = await roomMessage.arrived;

    // A private message, to Bob's user destination.
    const privateMessage = nextMessage<PrivateMessage>('the private message');
    await subscribed(bob, (headers) => asBob.private.subscribe(privateMessage.take, headers));
    asAlice.chatPrivate.send({ to: `bob${suffix}`, content: 'Psst' });
    const whisper = await privateMessage.arrived;

    // An invalid payload (a blank message), reported on Alice's error destination.
    const errorReport = nextMessage<StompErrorReport>('the error report');
    await subscribed(alice, (headers) => asAlice.errors.subscribe(errorReport.take, headers));
    asAlice.chatSend.send({ content: '   ' });
    const report = await errorReport.arrived;

    return {
      rooms: rooms.map((entry) => entry.id),
      online,
      room: { room: room.room, sender: room.sender, content: room.content },
      private: { from: whisper.from, to: whisper.to, content: whisper.content },
      error: { destination: report.destination, error: report.error, details: report.details ?? [] },
    };
  } finally {
    await Promise.all([alice.deactivate(), bob.deactivate()]);
  }
}

// Run as a program (node chat-driver.js <ws url> <name suffix>); imported, it does nothing.
const [url, suffix] = process.argv.slice(2);
if (url !== undefined && suffix !== undefined) {
  drive(url, suffix).then(
    (report) => console.log(JSON.stringify(report)),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
