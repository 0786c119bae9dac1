import type { INestApplication } from '@nestjs/common';
import { STOMP_BROKER, type SimpleBroker } from 'nest-stomp';
import { RawStompClient, type CloseInfo, type ReceivedFrame } from './raw-stomp-client.js';
import { unique } from './unique.js';

/** What the raw client writes and the server expects: the text of one frame, NUL included, unescaped. */
export function frameBytes(command: string, headers: Record<string, string> = {}, body: string | Buffer = ''): Buffer {
  const head = `${command}\n${Object.entries(headers)
    .map(([k, v]) => `${k}:${v}\n`)
    .join('')}\n`;
  return Buffer.concat([Buffer.from(head, 'utf8'), typeof body === 'string' ? Buffer.from(body, 'utf8') : body, Buffer.from([0])]);
}

/** Every WebSocket message a client received, as raw bytes, for checks on the wire format. */
export class RawTap {
  readonly messages: Buffer[] = [];

  constructor(client: RawStompClient) {
    client.socket.on('message', (data: Buffer) => this.messages.push(Buffer.from(data)));
  }

  /** The raw bytes of the first message whose text contains `needle`. */
  find(needle: string): Buffer | undefined {
    return this.messages.find((m) => m.includes(needle));
  }
}

/** Waits for the RECEIPT whose receipt-id is `id` (whatever else arrives meanwhile). */
export async function receiptFor(client: RawStompClient, id: string): Promise<ReceivedFrame> {
  const match = (f: ReceivedFrame) => f.command === 'RECEIPT' && f.headers['receipt-id'] === id;
  await client.until(() => client.frames.some(match), `RECEIPT ${id}`);
  return client.frames.find(match)!;
}

/** SUBSCRIBE and wait for its RECEIPT: the subscription is live when this resolves. */
export async function subscribe(client: RawStompClient, destination: string, id = unique('sub'), headers: Record<string, string> = {}): Promise<string> {
  const receipt = unique('subscribed');
  client.send('SUBSCRIBE', { id, destination, receipt, ...headers });
  await receiptFor(client, receipt);
  return id;
}

/** SEND a text body and wait for its RECEIPT: the server has handled it when this resolves. */
export async function publish(client: RawStompClient, destination: string, body: string, headers: Record<string, string> = {}): Promise<void> {
  const receipt = unique('sent');
  client.send('SEND', { destination, 'content-type': 'text/plain', receipt, ...headers }, body);
  await receiptFor(client, receipt);
}

/** MESSAGE frames received so far. */
export function messagesOf(client: RawStompClient, destination?: string): ReceivedFrame[] {
  return client.frames.filter((f) => f.command === 'MESSAGE' && (destination === undefined || f.headers.destination === destination));
}

/** Waits until `count` MESSAGEs (for `destination`, if given) have arrived and returns them. */
export async function waitMessages(client: RawStompClient, count: number, destination?: string): Promise<ReceivedFrame[]> {
  await client.until(() => messagesOf(client, destination).length >= count, `${count} MESSAGE(s)${destination ? ` for ${destination}` : ''}`);
  return messagesOf(client, destination);
}

export interface Refusal {
  readonly error: ReceivedFrame;
  readonly close: CloseInfo;
}

/**
 * Waits for the ERROR and the close that follow a refused frame and checks them: the exact
 * `message` header, `receipt-id` (or its absence), the body repeating the message, close code 1002.
 */
export async function expectRefusal(
  client: RawStompClient,
  expected: { message: string; receiptId?: string; closeCode?: number },
): Promise<Refusal> {
  const error = await client.nextFrame('ERROR');
  expect(error.headers.message).toBe(expected.message);
  expect(error.headers['receipt-id']).toBe(expected.receiptId);
  expect(error.headers['content-type']).toBe('text/plain;charset=UTF-8');
  expect(error.text).toBe(expected.message);
  const close = await client.waitClosed();
  expect(close.code).toBe(expected.closeCode ?? 1002);
  // The ERROR is the last frame of the session.
  expect(client.frames.at(-1)).toBe(error);
  return { error, close };
}

/**
 * A second session that watches `destination` while another one misbehaves. `stillWorks` proves it
 * survived the other's ERROR and that nothing reached `destination` meanwhile: it publishes a marker
 * and expects it to be the first and only MESSAGE it got.
 */
export class Watcher {
  private constructor(
    readonly client: RawStompClient,
    readonly destination: string,
  ) {}

  static async start(url: string, destination = `/topic/${unique('watched')}`): Promise<Watcher> {
    const client = await RawStompClient.connect(url);
    await subscribe(client, destination);
    return new Watcher(client, destination);
  }

  async stillWorks(): Promise<void> {
    const marker = unique('marker');
    await publish(this.client, this.destination, marker);
    const [first] = await waitMessages(this.client, 1, this.destination);
    expect(first!.text).toBe(marker);
    expect(messagesOf(this.client)).toHaveLength(1);
    expect(this.client.closed).toBeUndefined();
  }
}

/** Live subscriptions of the app's embedded broker. */
export function subscriptionCount(app: INestApplication): number {
  return app.get<SimpleBroker>(STOMP_BROKER).subscriptionCount;
}

/** Ends every client: DISCONNECT (or the ERROR a session that never connected gets), then the close. */
export async function closeAll(...clients: Array<RawStompClient | Watcher | undefined>): Promise<void> {
  await Promise.all(
    clients.map(async (c) => {
      const client = c instanceof Watcher ? c.client : c;
      if (!client || client.closed) return;
      try {
        await client.disconnect();
      } catch {
        client.terminate();
      }
    }),
  );
}
