import { AppModule } from '../../apps/chat/src/app.module.js';
import { useApp } from '../support/apps.js';
import { RawStompClient } from '../support/raw-stomp-client.js';
import { closeAll, frameBytes, messagesOf, publish, RawTap, receiptFor, subscribe, waitMessages } from '../support/raw-frames.js';
import { unique } from '../support/unique.js';

const CONNECT = frameBytes('CONNECT', { 'accept-version': '1.2', host: 'localhost', 'heart-beat': '0,0' });

/** How frames may be cut into and packed in WebSocket messages, and which bytes they may carry. */
describe('framing over WebSocket', () => {
  const chat = useApp(AppModule);
  const url = () => `${chat.wsUrl}/portfolio/websocket`;

  describe('WebSocket sub-protocol', () => {
    it('picks v12.stomp when offered all three, whatever their order', async () => {
      for (const offered of [
        ['v12.stomp', 'v11.stomp', 'v10.stomp'],
        ['v10.stomp', 'v11.stomp', 'v12.stomp'],
      ]) {
        const client = await RawStompClient.open(url(), offered);
        try {
          expect(client.socket.protocol).toBe('v12.stomp');
        } finally {
          client.terminate();
        }
      }
    });

    it('picks v10.stomp when only that is offered, and v11.stomp when only that', async () => {
      for (const protocol of ['v10.stomp', 'v11.stomp']) {
        const client = await RawStompClient.open(url(), [protocol]);
        try {
          expect(client.socket.protocol).toBe(protocol);
        } finally {
          client.terminate();
        }
      }
    });

    it('accepts a connection offering no sub-protocol (protocol ""), and STOMP works over it', async () => {
      const client = await RawStompClient.open(url(), []);
      try {
        expect(client.socket.protocol).toBe('');
        client.write(CONNECT);
        const connected = await client.nextFrame('CONNECTED');
        expect(connected.headers.version).toBe('1.2');
        const topic = `/topic/${unique('noproto')}`;
        await subscribe(client, topic);
        await publish(client, topic, 'no sub-protocol needed');
        expect((await waitMessages(client, 1))[0]!.text).toBe('no sub-protocol needed');
      } finally {
        await closeAll(client);
      }
    });

    it('serves raw WebSocket on the endpoint path itself as well as on /websocket', async () => {
      const client = await RawStompClient.connect(`${chat.wsUrl}/portfolio`);
      try {
        const topic = `/topic/${unique('root')}`;
        await subscribe(client, topic);
        await publish(client, topic, 'at /portfolio');
        expect((await waitMessages(client, 1))[0]!.text).toBe('at /portfolio');
      } finally {
        await closeAll(client);
      }
    });
  });

  it('takes several frames in one WebSocket message, in order', async () => {
    const client = await RawStompClient.open(url());
    try {
      const topic = `/topic/${unique('packed')}`;
      client.write(
        Buffer.concat([
          CONNECT,
          frameBytes('SUBSCRIBE', { id: 's', destination: topic, receipt: 'r-sub' }),
          frameBytes('SEND', { destination: topic, 'content-type': 'text/plain', receipt: 'r-1' }, 'one'),
          frameBytes('SEND', { destination: topic, 'content-type': 'text/plain', receipt: 'r-2' }, 'two'),
        ]),
      );
      await receiptFor(client, 'r-2');
      expect(client.frames.map((f) => [f.command, f.headers['receipt-id'] ?? f.text])).toEqual([
        ['CONNECTED', ''],
        ['RECEIPT', 'r-sub'],
        ['MESSAGE', 'one'],
        ['RECEIPT', 'r-1'],
        ['MESSAGE', 'two'],
        ['RECEIPT', 'r-2'],
      ]);
    } finally {
      await closeAll(client);
    }
  });

  it('reassembles one frame split over three WebSocket messages, cut inside the command, a header and the body', async () => {
    const subscriber = await RawStompClient.connect(url());
    const sender = await RawStompClient.connect(url());
    try {
      const topic = `/topic/${unique('split')}`;
      await subscribe(subscriber, topic);
      const frame = frameBytes('SEND', { destination: topic, 'content-type': 'text/plain', 'x-part': 'whole', receipt: 'r-split' }, 'a body in pieces');
      const text = frame.toString('latin1');
      const cuts = [2, text.indexOf('x-part') + 3, text.indexOf('in pieces')];
      sender.write(frame.subarray(0, cuts[0]));
      sender.write(frame.subarray(cuts[0], cuts[1]));
      sender.write(frame.subarray(cuts[1], cuts[2]));
      // Nothing is complete yet: prove it with a round-trip on the subscriber, then send the rest.
      await publish(subscriber, `/topic/${unique('elsewhere')}`, 'ping');
      expect(messagesOf(subscriber, topic)).toEqual([]);
      sender.write(frame.subarray(cuts[2]));

      await receiptFor(sender, 'r-split');
      const [message] = await waitMessages(subscriber, 1, topic);
      expect(message!.text).toBe('a body in pieces');
      expect(message!.headers['x-part']).toBe('whole');
      expect(messagesOf(subscriber, topic)).toHaveLength(1);
    } finally {
      await closeAll(subscriber, sender);
    }
  });

  it('reassembles multi-byte UTF-8 characters cut between WebSocket messages', async () => {
    const client = await RawStompClient.connect(url());
    try {
      const topic = `/topic/${unique('utf8')}`;
      await subscribe(client, topic);
      const frame = frameBytes('SEND', { destination: topic, 'content-type': 'text/plain;charset=UTF-8', 'x-name': 'Zoë€', receipt: 'r-utf8' }, 'prix: 5 € — ok 😀');
      // Cut inside 'ë' (2 bytes), inside '€' (3 bytes) and inside '😀' (4 bytes), each chunk sent as binary.
      const cuts = [frame.indexOf('ë') + 1, frame.indexOf('€', frame.indexOf('\n\n')) + 2, frame.indexOf(Buffer.from('😀')) + 3];
      let start = 0;
      for (const cut of [...cuts, frame.length]) {
        client.write(frame.subarray(start, cut), true);
        start = cut;
      }
      await receiptFor(client, 'r-utf8');
      const [message] = await waitMessages(client, 1);
      expect(message!.text).toBe('prix: 5 € — ok 😀');
      expect(message!.headers['x-name']).toBe('Zoë€');
    } finally {
      await closeAll(client);
    }
  });

  it('accepts heart-beat EOLs (\\n and \\r\\n) before, between and after frames, in any message', async () => {
    const client = await RawStompClient.open(url());
    try {
      const topic = `/topic/${unique('eol')}`;
      client.write('\n');
      client.write(Buffer.concat([Buffer.from('\r\n\n'), CONNECT, Buffer.from('\n\n\r\n')]));
      client.write('\r\n');
      client.write(
        Buffer.concat([
          frameBytes('SUBSCRIBE', { id: 's', destination: topic }),
          Buffer.from('\n'),
          frameBytes('SEND', { destination: topic, 'content-type': 'text/plain' }, 'between beats'),
          Buffer.from('\r\n\r\n\n'),
        ]),
      );
      client.write('\n');
      client.send('SEND', { destination: topic, 'content-type': 'text/plain', receipt: 'r-eol' }, 'last');
      await receiptFor(client, 'r-eol');
      expect(messagesOf(client).map((m) => m.text)).toEqual(['between beats', 'last']);
      expect(client.closed).toBeUndefined();
    } finally {
      await closeAll(client);
    }
  });

  it('accepts \\r\\n line endings and strips the CR from command and headers', async () => {
    const client = await RawStompClient.open(url());
    try {
      const topic = `/topic/${unique('crlf')}`;
      client.write('CONNECT\r\naccept-version:1.2\r\nhost:localhost\r\n\r\n\0');
      expect((await client.nextFrame('CONNECTED')).headers.version).toBe('1.2');
      client.write(`SUBSCRIBE\r\nid:s\r\ndestination:${topic}\r\nreceipt:r-sub\r\n\r\n\0`);
      await receiptFor(client, 'r-sub');
      client.write(`SEND\r\ndestination:${topic}\r\ncontent-type:text/plain\r\nx-crlf:yes\r\nreceipt:r-send\r\n\r\nbody\r\nwith crlf\0`);
      await receiptFor(client, 'r-send');
      const [message] = await waitMessages(client, 1);
      expect(message!.headers.destination).toBe(topic);
      expect(message!.headers['x-crlf']).toBe('yes');
      expect(message!.headers['content-type']).toBe('text/plain');
      // The body is bytes: its CR LF is kept.
      expect(message!.text).toBe('body\r\nwith crlf');
    } finally {
      await closeAll(client);
    }
  });

  it('delivers a content-length body containing NUL octets intact, as text and as binary', async () => {
    const subscriber = await RawStompClient.connect(url());
    const sender = await RawStompClient.connect(url());
    try {
      const topic = `/topic/${unique('nul')}`;
      await subscribe(subscriber, topic);
      const text = Buffer.from('before\0middle\0\0after\0', 'utf8');
      const binary = Buffer.from([0, 1, 2, 0xff, 0, 0xfe, 0x80, 0]);
      sender.write(frameBytes('SEND', { destination: topic, 'content-type': 'text/plain', 'content-length': String(text.length), receipt: 'r-t' }, text));
      sender.write(
        frameBytes('SEND', { destination: topic, 'content-type': 'application/octet-stream', 'content-length': String(binary.length), receipt: 'r-b' }, binary),
        true,
      );
      await receiptFor(sender, 'r-b');
      const [asText, asBinary] = await waitMessages(subscriber, 2);
      expect(asText!.body.equals(text)).toBe(true);
      expect(asText!.headers['content-length']).toBe(String(text.length));
      expect(asText!.binary).toBe(false);
      expect(asBinary!.body.equals(binary)).toBe(true);
      expect(asBinary!.headers['content-length']).toBe(String(binary.length));
      expect(asBinary!.binary).toBe(true);
    } finally {
      await closeAll(subscriber, sender);
    }
  });

  it('reads a content-length body that arrives in pieces, NUL octets and all', async () => {
    const client = await RawStompClient.connect(url());
    try {
      const topic = `/topic/${unique('nulsplit')}`;
      await subscribe(client, topic);
      const body = Buffer.from([0, 0, 0x41, 0, 0x42, 0]);
      const frame = frameBytes('SEND', { destination: topic, 'content-type': 'application/octet-stream', 'content-length': '6', receipt: 'r' }, body);
      const bodyStart = frame.length - 7;
      client.write(frame.subarray(0, bodyStart + 1), true);
      client.write(frame.subarray(bodyStart + 1, bodyStart + 4), true);
      client.write(frame.subarray(bodyStart + 4), true);
      await receiptFor(client, 'r');
      const [message] = await waitMessages(client, 1);
      expect(message!.body.equals(body)).toBe(true);
    } finally {
      await closeAll(client);
    }
  });

  it('reads an empty body with content-length:0, and a body without content-length up to its NUL', async () => {
    const client = await RawStompClient.connect(url());
    try {
      const topic = `/topic/${unique('empty')}`;
      await subscribe(client, topic);
      client.send('SEND', { destination: topic, 'content-type': 'text/plain', 'content-length': '0', receipt: 'r0' });
      client.send('SEND', { destination: topic, 'content-type': 'text/plain', receipt: 'r1' }, 'plain');
      await receiptFor(client, 'r1');
      const [empty, plain] = await waitMessages(client, 2);
      expect(empty!.body.length).toBe(0);
      expect(empty!.headers['content-length']).toBe('0');
      expect(plain!.text).toBe('plain');
    } finally {
      await closeAll(client);
    }
  });

  it('uses the first of repeated headers', async () => {
    const client = await RawStompClient.connect(url());
    try {
      const topic = `/topic/${unique('first')}`;
      const decoy = `/topic/${unique('decoy')}`;
      await subscribe(client, topic);
      await subscribe(client, decoy);
      client.write(`SEND\ndestination:${topic}\ndestination:${decoy}\ncontent-type:text/plain\nx-dup:first\nx-dup:second\nreceipt:r\n\nrepeated\0`);
      await receiptFor(client, 'r');
      const [message] = await waitMessages(client, 1);
      expect(message!.headers.destination).toBe(topic);
      expect(message!.headers['x-dup']).toBe('first');
      expect(messagesOf(client)).toHaveLength(1);
    } finally {
      await closeAll(client);
    }
  });

  // RFC 6455 requires text messages to be UTF-8: a subscriber's WebSocket (`ws`, browsers) fails
  // the connection on one that is not. A body that is not UTF-8 therefore travels as a binary
  // message, whatever its content-type claims.
  it('keeps subscribers connected when a SEND body is not valid UTF-8 (no content-type)', async () => {
    const subscriber = await RawStompClient.connect(url());
    const sender = await RawStompClient.connect(url());
    const tap = new RawTap(subscriber);
    try {
      const topic = `/topic/${unique('bad-utf8')}`;
      await subscribe(subscriber, topic);
      const body = Buffer.from([0xff, 0xfe, 0x41]);
      sender.write(frameBytes('SEND', { destination: topic, 'content-length': '3', receipt: 'r' }, body), true);
      await receiptFor(sender, 'r');
      await subscriber.until(() => messagesOf(subscriber).length > 0 || subscriber.closed !== undefined, 'the MESSAGE or the close');
      expect(subscriber.closed).toBeUndefined();
      expect(messagesOf(subscriber)[0]!.body.equals(body)).toBe(true);
      expect(tap.messages.length).toBeGreaterThan(0);
    } finally {
      await closeAll(subscriber, sender);
    }
  });
});
