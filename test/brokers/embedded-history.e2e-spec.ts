import { Module } from '@nestjs/common';
import { jest } from '@jest/globals';
import type { Client } from '@stomp/stompjs';
import { StompModule } from 'nest-stomp';
import { startApp, type RunningApp } from '../support/apps.js';
import { RawStompClient, type ReceivedFrame } from '../support/raw-stomp-client.js';
import { connectStompClient, deactivateAll, publishConfirmed } from '../support/stomp-clients.js';
import { unique } from '../support/unique.js';

jest.setTimeout(60_000);

const TEXT = { 'content-type': 'text/plain' };

@Module({
  imports: [
    StompModule.forRoot({
      endpoint: '/ws',
      retention: [
        { destinations: '/topic/small.*', maxMessages: 10 },
        { destinations: '/topic/bytes.*', maxBytes: 2000 },
        { destinations: ['/topic/history.*', '/queue/history.*'] },
      ],
    }),
  ],
})
class HistoryModule {}

/** Any number of retained destinations, 4000 bytes for all of them. */
@Module({ imports: [StompModule.forRoot({ endpoint: '/ws', retention: [{ destinations: '/topic/many.*' }], maxHistoryBytes: 4000 })] })
class SmallHistoryModule {}

/** The MESSAGE frames a raw client got for one subscription. */
function messagesOf(client: RawStompClient, subscription: string): ReceivedFrame[] {
  return client.frames.filter((frame) => frame.command === 'MESSAGE' && frame.headers.subscription === subscription);
}

function offsetOf(frame: ReceivedFrame): number {
  return Number(frame.headers['x-stream-offset']);
}

describe('embedded broker history (retention, x-stream-offset)', () => {
  let server: RunningApp;
  let publisher: Client;
  const raws: RawStompClient[] = [];

  async function rawClient(): Promise<RawStompClient> {
    const client = await RawStompClient.connect(`${server.wsUrl}/ws`);
    raws.push(client);
    return client;
  }

  /** SUBSCRIBEs with a receipt and waits for it: whatever is replayed arrived before it. */
  async function subscribe(client: RawStompClient, id: string, destination: string, headers: Record<string, string> = {}): Promise<void> {
    client.send('SUBSCRIBE', { id, destination, receipt: `r-${id}`, ...headers });
    await client.until(() => client.frames.some((frame) => frame.command === 'RECEIPT' && frame.headers['receipt-id'] === `r-${id}`), `the RECEIPT of ${id}`);
  }

  async function publishAll(destination: string, bodies: readonly string[]): Promise<void> {
    for (const body of bodies.slice(0, -1)) publisher.publish({ destination, body, headers: TEXT });
    await publishConfirmed(publisher, destination, bodies.at(-1)!, TEXT);
  }

  beforeAll(async () => {
    server = await startApp(HistoryModule);
    publisher = await connectStompClient(`${server.wsUrl}/ws`);
  });

  afterEach(async () => {
    await Promise.all(raws.splice(0).map((client) => (client.closed ? undefined : client.disconnect())));
  });

  afterAll(async () => {
    await deactivateAll(publisher);
    await server?.close();
  });

  it('a subscriber that drops mid-stream of 1000 messages resumes from its last offset + 1: all the rest, in order, none twice', async () => {
    const destination = `/topic/history.${unique('stream')}`;
    const first = await rawClient();
    await subscribe(first, 'live', destination);
    let resumed: Promise<RawStompClient> | undefined;
    let lastSeen = -1;

    for (let batch = 0; batch < 10; batch++) {
      await publishAll(destination, Array.from({ length: 100 }, (_, i) => String(batch * 100 + i)));
      if (batch === 2) {
        // Mid-stream: it has read part of what was sent, then its connection is gone.
        await first.until(() => messagesOf(first, 'live').length >= 250, '250 messages');
        first.terminate();
        await first.waitClosed();
        lastSeen = offsetOf(messagesOf(first, 'live').at(-1)!);
      }
      if (batch === 5) {
        // Resumes while the publisher goes on: replay and live messages meet here.
        resumed = (async () => {
          const again = await rawClient();
          await subscribe(again, 'resumed', destination, { 'x-stream-offset': `offset=${lastSeen + 1}` });
          return again;
        })();
      }
    }
    const again = await resumed!;
    const before = messagesOf(first, 'live');
    await again.until(() => messagesOf(again, 'resumed').length >= 1000 - before.length, 'the rest of the 1000 messages', 30_000);

    const after = messagesOf(again, 'resumed');
    const bodies = [...before, ...after].map((frame) => frame.text);
    expect(bodies).toEqual(Array.from({ length: 1000 }, (_, i) => String(i)));
    const offsets = [...before, ...after].map(offsetOf);
    expect(offsets).toEqual(offsets.map((_, i) => offsets[0]! + i));
    expect(after[0]!.headers['x-stream-offset']).toBe(String(lastSeen + 1));
  });

  it('replays everything kept with first, the newest with last, then live messages', async () => {
    const destination = `/topic/history.${unique('modes')}`;
    await publishAll(destination, ['a', 'b', 'c']);
    const client = await rawClient();
    await subscribe(client, 'first', destination, { 'x-stream-offset': 'first' });
    await subscribe(client, 'last', destination, { 'x-stream-offset': 'last' });
    await subscribe(client, 'next', destination, { 'x-stream-offset': 'next' });
    expect(messagesOf(client, 'first').map((frame) => frame.text)).toEqual(['a', 'b', 'c']);
    expect(messagesOf(client, 'last').map((frame) => frame.text)).toEqual(['c']);
    expect(messagesOf(client, 'next')).toEqual([]);

    await publishConfirmed(publisher, destination, 'd', TEXT);
    await client.until(() => messagesOf(client, 'next').length === 1, 'the live message');
    for (const id of ['first', 'last', 'next']) expect(messagesOf(client, id).at(-1)!.text).toBe('d');
    const [a, , c] = messagesOf(client, 'first');
    expect(messagesOf(client, 'last')[0]!.headers['x-stream-offset']).toBe(c!.headers['x-stream-offset']);
    expect(offsetOf(c!) - offsetOf(a!)).toBe(2);
    expect(a!.headers).toMatchObject({ destination, 'content-type': 'text/plain' });
  });

  it('replays from a timestamp: what was stored at or after that time', async () => {
    const destination = `/queue/history.${unique('time')}`;
    await publishAll(destination, ['old-1', 'old-2']);
    // A time after the old messages were stored, before the new ones are.
    const since = Date.now() + 1;
    while (Date.now() < since) await new Promise((resolve) => setImmediate(resolve));
    await publishAll(destination, ['new-1', 'new-2']);

    const client = await rawClient();
    await subscribe(client, 'since', destination, { 'x-stream-offset': `timestamp=${(since / 1000).toFixed(3)}` });
    await subscribe(client, 'epoch', destination, { 'x-stream-offset': 'timestamp=0' });
    expect(messagesOf(client, 'since').map((frame) => frame.text)).toEqual(['new-1', 'new-2']);
    expect(messagesOf(client, 'epoch').map((frame) => frame.text)).toEqual(['old-1', 'old-2', 'new-1', 'new-2']);
  });

  it('keeps within the rule: at most maxMessages, at most maxBytes, the newest', async () => {
    const counted = `/topic/small.${unique('count')}`;
    const sized = `/topic/bytes.${unique('size')}`;
    const fifty = Array.from({ length: 50 }, (_, i) => String(i).padStart(100, '.'));
    await publishAll(counted, fifty);
    await publishAll(sized, fifty);

    const client = await rawClient();
    await subscribe(client, 'counted', counted, { 'x-stream-offset': 'first' });
    await subscribe(client, 'sized', sized, { 'x-stream-offset': 'first' });
    expect(messagesOf(client, 'counted').map((frame) => frame.text)).toEqual(fifty.slice(40));
    // 100-byte bodies and their headers in 2000 bytes: fewer than 20, the newest.
    const kept = messagesOf(client, 'sized').map((frame) => frame.text);
    expect(kept.length).toBeGreaterThanOrEqual(10);
    expect(kept.length).toBeLessThan(20);
    expect(kept).toEqual(fifty.slice(50 - kept.length));
  });

  it('ignores the header on a destination no rule retains: nothing replayed, no offset on its messages', async () => {
    const destination = `/topic/plain.${unique('plain')}`;
    await publishAll(destination, ['gone']);
    const client = await rawClient();
    await subscribe(client, 'plain', destination, { 'x-stream-offset': 'first' });
    await publishConfirmed(publisher, destination, 'live', TEXT);
    await client.until(() => messagesOf(client, 'plain').length === 1, 'the live message');
    const [live] = messagesOf(client, 'plain');
    expect(live!.text).toBe('live');
    expect(live!.headers['x-stream-offset']).toBeUndefined();
  });

  it.each([
    ['a bad value', '/topic/history.bad', 'offset=-1', "Invalid x-stream-offset header 'offset=-1': expected next, first, last, offset=<n> or timestamp=<seconds since the epoch>"],
    ['a replay of a pattern', '/topic/history.*', 'first', "x-stream-offset 'first' replays one destination, and '/topic/history.*' is a pattern"],
  ])('refuses %s with an ERROR naming it', async (_case, destination, offset, says) => {
    const client = await rawClient();
    client.send('SUBSCRIBE', { id: 'x', destination, 'x-stream-offset': offset, receipt: 'never' });
    const error = await client.nextFrame('ERROR');
    expect(error.headers.message).toContain(says);
    await client.waitClosed();
  });
});

describe('embedded broker history: maxHistoryBytes', () => {
  let server: RunningApp;

  beforeAll(async () => {
    server = await startApp(SmallHistoryModule);
  });

  afterAll(async () => {
    await server?.close();
  });

  it('keeps all retained destinations together within it, the least recently written losing theirs first', async () => {
    const publisher = await connectStompClient(`${server.wsUrl}/ws`);
    const reader = await RawStompClient.connect(`${server.wsUrl}/ws`);
    try {
      const destinations = Array.from({ length: 20 }, (_, i) => `/topic/many.${i}`);
      const body = 'x'.repeat(100);
      for (const destination of destinations) {
        for (let i = 0; i < 4; i++) publisher.publish({ destination, body, headers: TEXT });
      }
      await publishConfirmed(publisher, '/topic/many.done', 'done', TEXT);

      for (const [i, destination] of destinations.entries()) {
        reader.send('SUBSCRIBE', { id: `s${i}`, destination, 'x-stream-offset': 'first', receipt: `r${i}` });
        await reader.until(() => reader.frames.some((frame) => frame.headers['receipt-id'] === `r${i}`), `the RECEIPT of s${i}`);
      }
      // Each message costs its 100-byte body and its headers (content-type, x-stream-offset):
      // 4000 bytes hold fewer than 40 of them, and they are the newest destinations'.
      const replayed = reader.frames.filter((frame) => frame.command === 'MESSAGE').length;
      expect(replayed).toBeGreaterThan(0);
      expect(replayed).toBeLessThan(40);
      expect(messagesOf(reader, 's19')).toHaveLength(4);
      expect(messagesOf(reader, 's0')).toHaveLength(0);
      const holders = destinations.map((_, i) => messagesOf(reader, `s${i}`).length);
      // Older destinations gave up theirs first: once one keeps something, every later one keeps all.
      const firstKept = holders.findIndex((count) => count > 0);
      expect(holders.slice(firstKept + 1).every((count) => count === 4)).toBe(true);
    } finally {
      await reader.disconnect();
      await deactivateAll(publisher);
    }
  });
});
