import { jest } from '@jest/globals';
import { Module } from '@nestjs/common';
import type { IMessage } from '@stomp/stompjs';
import { randomUUID } from 'node:crypto';
import { StompModule } from 'nest-stomp';
import { brokerAvailable, startApp, type RunningApp } from '../support/apps.js';
import { eventually } from '../support/eventually.js';
import { deleteRabbitMqQueues, rabbitMqQueueSubscriptions, rabbitMqStompAvailable, rabbitMqTopicSubscriptions } from '../support/rabbitmq.js';
import { RawStompClient } from '../support/raw-stomp-client.js';
import { closeAll, messagesOf, publish, receiptFor, subscribe, waitMessages } from '../support/raw-frames.js';
import type { Recorder } from '../support/recorder.js';
import { connectStompClient, deactivateAll, publishConfirmed, subscribeConfirmed } from '../support/stomp-clients.js';
import { unique } from '../support/unique.js';

const describeWithRabbitMq = (await rabbitMqStompAvailable()) ? describe : describe.skip;

jest.setTimeout(90_000);

/** This run's queue names start with it; the queues are deleted after. */
const TAG = `nest-stomp-shared-${randomUUID().slice(0, 8)}`;
const TEXT = { 'content-type': 'text/plain' };
/** The shared broker subscriptions' ids, as RabbitMQ tags their consumers. */
const SHARED = /^T_shared-\d+$/;

@Module({
  imports: [StompModule.forRoot({ endpoint: '/ws', broker: { kind: 'relay', clientQueues: [{ destination: `/queue/${TAG}-*`, allow: 'everyone' }] } })],
})
class SharingRelayModule {}

@Module({ imports: [StompModule.forRoot({ endpoint: '/ws', broker: { kind: 'relay', shareTopicSubscriptions: false } })] })
class PerSessionRelayModule {}

/** Bodies of a client's messages once `last` arrived: every earlier one, in order, nothing twice. */
async function bodiesUpTo(inbox: Recorder<IMessage>, last: string): Promise<string[]> {
  await inbox.first((message) => message.body === last, `the message ${last}`);
  return inbox.items.map((message) => message.body);
}

/**
 * `shareTopicSubscriptions` (on by default): plain `/topic/...` subscriptions share one RabbitMQ
 * subscription per destination on a connection of the relay's own, so RabbitMQ sends each message
 * once, not once per client session. What RabbitMQ holds is read with rabbitmqctl: its STOMP plugin
 * tags each consumer `T_<id of the SUBSCRIBE>`, the relay's shared ones `T_shared-<n>`.
 */
describeWithRabbitMq('relay to RabbitMQ: shared topic subscriptions', () => {
  let server: RunningApp;
  let url: string;

  beforeAll(async () => {
    server = await startApp(SharingRelayModule);
    await brokerAvailable(server.app);
    url = `${server.wsUrl}/ws`;
  });

  afterAll(async () => {
    await server?.close();
    await deleteRabbitMqQueues(TAG);
  });

  it('gives each of many clients every message once, with its own subscription id, from one broker subscription', async () => {
    const key = unique('shared-many');
    const destination = `/topic/${key}`;
    // stomp.js calls every client's first subscription sub-0; the raw client has an id of its own.
    const clients = await Promise.all(Array.from({ length: 20 }, () => connectStompClient(url)));
    const raw = await RawStompClient.connect(url);
    try {
      // All at once: the first SUBSCRIBE is still pending at the broker when the others come.
      const inboxes = await Promise.all(clients.map((client) => subscribeConfirmed(client, destination)));
      const ownId = await subscribe(raw, destination, unique('own'));
      expect(await rabbitMqTopicSubscriptions(key)).toEqual([expect.stringMatching(SHARED)]);

      const sent = ['m0', 'm1', 'm2', 'm3', 'last'];
      for (const body of sent) await publishConfirmed(clients[0]!, destination, body, TEXT);

      for (const inbox of inboxes) {
        expect(await bodiesUpTo(inbox, 'last')).toEqual(sent);
        expect(inbox.items.every((message) => message.headers.subscription === 'sub-0')).toBe(true);
      }
      const rawMessages = await waitMessages(raw, sent.length);
      expect(rawMessages.map((message) => message.text)).toEqual(sent);
      expect(rawMessages.every((message) => message.headers.subscription === ownId)).toBe(true);
      // One copy from the broker per message: every client got the same message-id for it.
      for (let i = 0; i < sent.length; i++) {
        const ids = new Set([...inboxes.map((inbox) => inbox.items[i]!.headers['message-id']), rawMessages[i]!.headers['message-id']]);
        expect(ids.size).toBe(1);
      }
    } finally {
      await deactivateAll(...clients);
      await closeAll(raw);
    }
  });

  it('gives a STOMP 1.1 and a 1.2 client their own subscription id and headers in their own escaping', async () => {
    const destination = `/topic/${unique('shared-versions')}`;
    const old = await RawStompClient.connect(url, { 'accept-version': '1.1' });
    const current = await RawStompClient.connect(url, { 'accept-version': '1.2' });
    try {
      expect(old.frames.find((frame) => frame.command === 'CONNECTED')!.headers.version).toBe('1.1');
      // Ids and a header value with a colon: each version escapes it (\c) and the client reads it back.
      const oldId = await subscribe(old, destination, unique('old:id'));
      const currentId = await subscribe(current, destination, unique('current:id'));
      await publish(current, destination, 'hello', { 'x-path': 'a:b' });
      const [fromOld] = await waitMessages(old, 1);
      const [fromCurrent] = await waitMessages(current, 1);
      const expected = (subscription: string) => ({
        destination,
        subscription,
        'message-id': fromCurrent!.headers['message-id'],
        redelivered: 'false',
        'content-type': 'text/plain',
        'x-path': 'a:b',
        'content-length': '5',
      });
      expect(fromOld!.headers).toEqual(expected(oldId));
      expect(fromCurrent!.headers).toEqual(expected(currentId));
      expect(fromCurrent!.headers['message-id']).toMatch(/^T_shared-\d+@@session-.+@@\d+$/);
      expect([fromOld!.text, fromCurrent!.text]).toEqual(['hello', 'hello']);
    } finally {
      await closeAll(old, current);
    }
  });

  it('keeps delivering to the others when one unsubscribes; the last one out, or its session ending, removes the broker subscription', async () => {
    const key = unique('shared-leave');
    const destination = `/topic/${key}`;
    const [a, b, c, d] = await Promise.all([1, 2, 3, 4].map(() => RawStompClient.connect(url)));
    try {
      const aId = await subscribe(a!, destination);
      const bId = await subscribe(b!, destination);
      const [first] = await rabbitMqTopicSubscriptions(key);
      expect(first).toMatch(SHARED);

      a!.send('UNSUBSCRIBE', { id: aId, receipt: 'a-left' });
      await receiptFor(a!, 'a-left');
      await publish(b!, destination, 'after a left');
      expect((await waitMessages(b!, 1))[0]!.text).toBe('after a left');
      // The relay wrote the message to every subscriber at once: had a been one, it would be in
      // a's socket before the RECEIPT of a later round trip.
      await publish(a!, `/topic/${unique('barrier')}`, 'barrier');
      expect(messagesOf(a!)).toHaveLength(0);
      expect(await rabbitMqTopicSubscriptions(key)).toEqual([first]);

      b!.send('UNSUBSCRIBE', { id: bId, receipt: 'b-left' });
      await receiptFor(b!, 'b-left');
      await eventually(async () => (await rabbitMqTopicSubscriptions(key)).length === 0, 'RabbitMQ to drop the shared subscription', 20_000);

      // A session that ends without UNSUBSCRIBE leaves too.
      await subscribe(c!, destination);
      expect(await rabbitMqTopicSubscriptions(key)).toEqual([expect.stringMatching(SHARED)]);
      await c!.disconnect();
      await eventually(async () => (await rabbitMqTopicSubscriptions(key)).length === 0, 'RabbitMQ to drop the shared subscription of the ended session', 20_000);

      // The next subscriber gets a broker subscription of its own making, and its messages.
      await subscribe(d!, destination);
      const [again] = await rabbitMqTopicSubscriptions(key);
      expect(again).toMatch(SHARED);
      expect(again).not.toBe(first);
      await publish(d!, destination, 'to d');
      expect((await waitMessages(d!, 1))[0]!.text).toBe('to d');
    } finally {
      await closeAll(a, b, c, d);
    }
  });

  it('keeps client-acknowledged, credited /topic subscriptions and /queue ones on the client connection', async () => {
    const key = unique('not-shared');
    const destination = `/topic/${key}`;
    const queue = `${TAG}-jobs`;
    const client = await RawStompClient.connect(url);
    try {
      await subscribe(client, destination, 'acked', { ack: 'client-individual' });
      await subscribe(client, destination, 'acked-too', { ack: 'client' });
      await subscribe(client, destination, 'credited', { 'prefetch-count': '10' });
      await subscribe(client, destination, 'plain');
      const tags = await rabbitMqTopicSubscriptions(key);
      expect(tags.filter((tag) => !SHARED.test(tag))).toEqual(['T_acked', 'T_acked-too', 'T_credited']);
      expect(tags.filter((tag) => SHARED.test(tag))).toHaveLength(1);

      await subscribe(client, `/queue/${queue}`, 'worker');
      expect(await rabbitMqQueueSubscriptions(queue)).toEqual(['T_worker']);
      await publish(client, `/queue/${queue}`, 'job');
      const [job] = await waitMessages(client, 1, `/queue/${queue}`);
      expect(job!.headers.subscription).toBe('worker');
    } finally {
      await closeAll(client);
    }
  });
});

describeWithRabbitMq('relay to RabbitMQ: shareTopicSubscriptions false', () => {
  let server: RunningApp;

  beforeAll(async () => {
    server = await startApp(PerSessionRelayModule);
    await brokerAvailable(server.app);
  });

  afterAll(async () => {
    await server?.close();
  });

  it("keeps every subscription on its session's own broker connection, as Spring does", async () => {
    const key = unique('per-session');
    const destination = `/topic/${key}`;
    const [a, b] = await Promise.all([1, 2].map(() => RawStompClient.connect(`${server.wsUrl}/ws`)));
    try {
      await subscribe(a!, destination, 'first');
      await subscribe(b!, destination, 'second');
      expect(await rabbitMqTopicSubscriptions(key)).toEqual(['T_first', 'T_second']);
      await publish(a!, destination, 'each its own copy');
      const [toA] = await waitMessages(a!, 1);
      const [toB] = await waitMessages(b!, 1);
      expect(toA!.headers['message-id']).toMatch(/^T_first@@/);
      expect(toB!.headers['message-id']).toMatch(/^T_second@@/);
    } finally {
      await closeAll(a, b);
    }
  });
});
