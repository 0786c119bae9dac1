import { jest } from '@jest/globals';
import { Module } from '@nestjs/common';
import { SimpMessagingTemplate, StompModule } from 'nest-stomp';
import { brokerAvailable, useApp } from '../support/apps.js';
import { rabbitMqStompAvailable } from '../support/rabbitmq.js';
import { RawStompClient } from '../support/raw-stomp-client.js';
import { closeAll, publish, receiptFor, subscribe, waitMessages } from '../support/raw-frames.js';
import { connectStompClient, deactivateAll, publishConfirmed, subscribeConfirmed } from '../support/stomp-clients.js';
import { unique } from '../support/unique.js';

const describeWithRabbitMq = (await rabbitMqStompAvailable()) ? describe : describe.skip;

jest.setTimeout(60_000);

@Module({ imports: [StompModule.forRoot({ endpoint: '/ws', broker: { kind: 'relay' } })] })
class RelayModule {}

/** RabbitMQ's `message-id`: the subscription, the broker session and a counter. */
const RABBIT_MESSAGE_ID = expect.stringMatching(/^T_.+@@session-.+@@\d+$/);

/**
 * The relay adds a `receipt` to every frame it forwards (to learn the broker took it), and RabbitMQ
 * copies a SEND's headers, its receipt included, into the MESSAGEs it makes. What a client receives
 * is asserted whole: what the sender wrote and what the broker adds for its own reasons, nothing of
 * the relay's making.
 */
describeWithRabbitMq('relay to RabbitMQ: MESSAGE headers a client receives', () => {
  const fixture = useApp(RelayModule);

  beforeAll(async () => {
    await brokerAvailable(fixture.app);
  });

  it("carries a client's SEND headers and the broker's own, never the relay's receipt", async () => {
    const destination = `/topic/${unique('relay-headers')}`;
    const reader = await RawStompClient.connect(`${fixture.wsUrl}/ws`);
    const writer = await RawStompClient.connect(`${fixture.wsUrl}/ws`);
    try {
      const id = await subscribe(reader, destination);
      await publish(writer, destination, 'hello', { 'content-type': 'text/plain', 'x-origin': 'writer' });
      const [message] = await waitMessages(reader, 1);
      expect(message!.headers).toEqual({
        destination,
        subscription: id,
        'message-id': RABBIT_MESSAGE_ID,
        redelivered: 'false',
        'content-type': 'text/plain',
        'x-origin': 'writer',
        'content-length': '5',
      });
      expect(message!.text).toBe('hello');
    } finally {
      await closeAll(reader, writer);
    }
  });

  // A 1.2 client gets the broker's bytes with the receipt cut out; an older one a frame encoded again.
  it.each(['1.2', '1.1'])('gives a STOMP %s client the same headers, an escaped value included', async (version) => {
    const destination = `/topic/${unique('relay-version')}`;
    const reader = await RawStompClient.connect(`${fixture.wsUrl}/ws`, { 'accept-version': version });
    const writer = await RawStompClient.connect(`${fixture.wsUrl}/ws`);
    try {
      expect(reader.frames.find((frame) => frame.command === 'CONNECTED')!.headers.version).toBe(version);
      const id = await subscribe(reader, destination);
      await publish(writer, destination, 'hello', { 'content-type': 'text/plain', 'x-path': 'a:b' });
      const [message] = await waitMessages(reader, 1);
      expect(message!.headers).toEqual({
        destination,
        subscription: id,
        'message-id': RABBIT_MESSAGE_ID,
        redelivered: 'false',
        'content-type': 'text/plain',
        'x-path': 'a:b',
        'content-length': '5',
      });
      expect(message!.text).toBe('hello');
    } finally {
      await closeAll(reader, writer);
    }
  });

  it('passes the ack header RabbitMQ adds for a client-acknowledged subscription', async () => {
    const destination = `/topic/${unique('relay-ack')}`;
    const reader = await RawStompClient.connect(`${fixture.wsUrl}/ws`);
    try {
      const id = await subscribe(reader, destination, unique('sub'), { ack: 'client-individual' });
      await publish(reader, destination, 'ack me');
      const [message] = await waitMessages(reader, 1);
      expect(message!.headers).toEqual({
        destination,
        subscription: id,
        'message-id': RABBIT_MESSAGE_ID,
        ack: message!.headers['message-id'],
        redelivered: 'false',
        'content-type': 'text/plain',
        'content-length': '6',
      });
      reader.send('ACK', { id: message!.headers.ack!, receipt: 'acked' });
      await receiptFor(reader, 'acked');
    } finally {
      await closeAll(reader);
    }
  });

  it('carries what a server-side send (the system connection) wrote, never its receipt, to a @stomp/stompjs client', async () => {
    const destination = `/topic/${unique('relay-template')}`;
    const client = await connectStompClient(`${fixture.wsUrl}/ws`);
    try {
      const inbox = await subscribeConfirmed(client, destination);
      await fixture.app.get(SimpMessagingTemplate).convertAndSend(destination, { n: 1 }, { 'x-kind': 'template' });
      const [message] = await inbox.waitFor(1);
      expect(message!.headers).toEqual({
        destination,
        subscription: expect.any(String),
        'message-id': RABBIT_MESSAGE_ID,
        redelivered: 'false',
        'content-type': 'application/json;charset=UTF-8',
        'x-kind': 'template',
        'content-length': String(Buffer.byteLength('{"n":1}')),
      });

      // And a @stomp/stompjs SEND with a receipt of its own: that receipt is answered, not delivered.
      await publishConfirmed(client, destination, 'from stompjs', { 'content-type': 'text/plain' });
      const [, second] = await inbox.waitFor(2);
      expect(Object.keys(second!.headers).sort()).toEqual(['content-length', 'content-type', 'destination', 'message-id', 'redelivered', 'subscription']);
    } finally {
      await deactivateAll(client);
    }
  });
});
