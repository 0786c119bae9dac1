import type { RawStompClient, ReceivedFrame } from './raw-stomp-client.js';
import { unique } from './unique.js';

// Raw-client helpers for the replay contract (x-stream-offset), whatever the broker.

/** SUBSCRIBE with `headers` (x-stream-offset...) and wait for the RECEIPT, which comes once the replay was delivered. */
export async function subscribeFrom(client: RawStompClient, destination: string, headers: Record<string, string> = {}): Promise<string> {
  const id = unique('sub');
  const receipt = unique('subscribed');
  client.send('SUBSCRIBE', { id, destination, receipt, ...headers });
  await client.until(() => client.frames.some((f) => f.command === 'RECEIPT' && f.headers['receipt-id'] === receipt), `RECEIPT ${receipt}`, 30_000);
  return id;
}

/** The MESSAGEs of subscription `id` so far. */
export function messagesFor(client: RawStompClient, id: string): ReceivedFrame[] {
  return client.frames.filter((f) => f.command === 'MESSAGE' && f.headers.subscription === id);
}

/** Waits until subscription `id` got `count` MESSAGEs, then returns them all. */
export async function waitFor(client: RawStompClient, id: string, count: number, timeoutMs = 30_000): Promise<ReceivedFrame[]> {
  await client.until(() => messagesFor(client, id).length >= count, `${count} MESSAGE(s) of ${id} (got ${messagesFor(client, id).length})`, timeoutMs);
  return messagesFor(client, id);
}

/** The `x-stream-offset` of a MESSAGE, as a number. */
export function offsetOf(frame: ReceivedFrame): number {
  const value = frame.headers['x-stream-offset'];
  if (value === undefined || !/^\d+$/.test(value)) throw new Error(`MESSAGE without a numeric x-stream-offset: ${JSON.stringify(frame.headers)}`);
  return Number(value);
}

/** SENDs `bodies` to `destination` without receipts, but for the last one, and waits for that receipt (it covers them all). */
export async function sendAll(client: RawStompClient, destination: string, bodies: readonly string[]): Promise<void> {
  const receipt = unique('sent');
  bodies.forEach((body, i) => {
    const last = i === bodies.length - 1;
    client.send('SEND', { destination, 'content-type': 'text/plain', ...(last ? { receipt } : {}) }, body);
  });
  await client.until(() => client.frames.some((f) => f.command === 'RECEIPT' && f.headers['receipt-id'] === receipt), `RECEIPT ${receipt}`, 30_000);
}
