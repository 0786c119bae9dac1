import { AppModule } from '../../apps/chat/src/app.module.js';
import { useApp } from '../support/apps.js';
import { RawStompClient } from '../support/raw-stomp-client.js';
import { closeAll, expectRefusal, frameBytes, messagesOf, publish, subscribe, subscriptionCount, Watcher } from '../support/raw-frames.js';
import { unique } from '../support/unique.js';

/**
 * Every refused frame ends its session with one ERROR (exact `message`, `receipt-id` when the frame
 * had a `receipt` and got far enough to be read) and close code 1002; nothing of the frame takes
 * effect, and a session connected at the same time goes on working.
 */
describe('protocol errors: ERROR, close 1002, nothing applied, other sessions unaffected', () => {
  const chat = useApp(AppModule);
  const url = () => `${chat.wsUrl}/portfolio/websocket`;

  interface Case {
    readonly name: string;
    /** Bytes the offender writes, given the destination the watcher listens to. */
    readonly bytes: (watched: string) => string | Buffer;
    readonly message: string | ((watched: string) => string);
    readonly receiptId?: string;
    /** Send CONNECT first (default true). */
    readonly connected?: boolean;
    readonly connectHeaders?: Record<string, string>;
    /** What the watcher subscribes to (default: a fresh /topic destination). */
    readonly watched?: string;
  }

  const cases: Case[] = [
    {
      name: 'an unknown command',
      bytes: () => frameBytes('FROB', { destination: '/topic/x', receipt: 'r-frob' }),
      message: "Unknown STOMP command 'FROB'",
      receiptId: 'r-frob',
    },
    {
      name: 'an unknown command as the first frame',
      connected: false,
      bytes: () => frameBytes('HELLO', { receipt: 'r-hello' }),
      message: "Unknown STOMP command 'HELLO'",
      receiptId: 'r-hello',
    },
    {
      name: 'a lower-case command (commands are case-sensitive)',
      bytes: (watched) => frameBytes('send', { destination: watched, receipt: 'r-lower' }, 'lower'),
      message: "Unknown STOMP command 'send'",
      receiptId: 'r-lower',
    },
    {
      name: 'SEND without destination',
      bytes: () => frameBytes('SEND', { 'content-type': 'text/plain', receipt: 'r-nodest' }, 'lost'),
      message: "SEND frame must have a 'destination' header",
      receiptId: 'r-nodest',
    },
    {
      name: 'SEND with an empty destination',
      bytes: () => frameBytes('SEND', { destination: '', receipt: 'r-emptydest' }, 'lost'),
      message: "SEND frame must have a 'destination' header",
      receiptId: 'r-emptydest',
    },
    {
      name: 'SEND before CONNECT',
      connected: false,
      bytes: (watched) => frameBytes('SEND', { destination: watched, 'content-type': 'text/plain', receipt: 'r-early' }, 'too early'),
      message: 'Received SEND before CONNECT: the first frame must be CONNECT or STOMP',
      receiptId: 'r-early',
    },
    {
      name: 'SUBSCRIBE before CONNECT',
      connected: false,
      bytes: (watched) => frameBytes('SUBSCRIBE', { destination: watched, id: 's-early', receipt: 'r-early-sub' }),
      message: 'Received SUBSCRIBE before CONNECT: the first frame must be CONNECT or STOMP',
      receiptId: 'r-early-sub',
    },
    {
      name: 'a second CONNECT',
      bytes: () => frameBytes('CONNECT', { 'accept-version': '1.2', host: 'localhost', receipt: 'r-again' }),
      message: 'Session already exists: a connection takes one CONNECT frame',
      receiptId: 'r-again',
    },
    {
      name: 'a STOMP frame after CONNECT',
      bytes: () => frameBytes('STOMP', { 'accept-version': '1.2', host: 'localhost' }),
      message: 'Session already exists: a connection takes one CONNECT frame',
    },
    {
      name: 'a header line without a colon (decoder error: the frame is never read, so no receipt-id)',
      bytes: (watched) => `SEND\ndestination:${watched}\nreceipt:r-nocolon\nnocolonhere\n\nlost\0`,
      message: "Illegal header: 'nocolonhere'",
    },
    {
      name: 'a header line with an empty name',
      bytes: (watched) => `SEND\ndestination:${watched}\n:anonymous\n\nlost\0`,
      message: "Illegal header: ':anonymous'",
    },
    {
      name: 'an illegal escape (\\t) in a SEND header, STOMP 1.2',
      bytes: (watched) => `SEND\ndestination:${watched}\nx-note:a\\tb\nreceipt:r-esc\n\nlost\0`,
      message: String.raw`Illegal escape sequence in header: 'x-note:a\tb' (STOMP 1.2 allows \\, \n, \c, \r)`,
    },
    {
      name: 'an escaped CR (\\r) in a SEND header, STOMP 1.1 (1.1 has no \\r escape)',
      connectHeaders: { 'accept-version': '1.1' },
      bytes: (watched) => `SEND\ndestination:${watched}\nx-note:a\\rb\n\nlost\0`,
      message: String.raw`Illegal escape sequence in header: 'x-note:a\rb' (STOMP 1.1 allows \\, \n, \c)`,
    },
    {
      name: 'a trailing lone backslash in a header value',
      bytes: (watched) => `SEND\ndestination:${watched}\nx-note:ends\\\n\nlost\0`,
      message: String.raw`Illegal escape sequence in header: 'x-note:ends\' (STOMP 1.2 allows \\, \n, \c, \r)`,
    },
    {
      name: 'a non-numeric content-length',
      bytes: (watched) => frameBytes('SEND', { destination: watched, 'content-length': 'ten', receipt: 'r-cl' }, 'lost'),
      message: "Invalid 'content-length' header value 'ten': expected a number of bytes",
      receiptId: 'r-cl',
    },
    {
      name: 'a negative content-length',
      bytes: (watched) => frameBytes('SEND', { destination: watched, 'content-length': '-1' }, 'lost'),
      message: "Invalid 'content-length' header value '-1': expected a number of bytes",
    },
    {
      name: 'a content-length shorter than the body (the byte after it is not NUL)',
      bytes: (watched) => frameBytes('SEND', { destination: watched, 'content-length': '3' }, 'hello'),
      message: "Frame must be terminated with a null octet: no NUL after the 3 bytes its 'content-length' announced",
    },
    {
      name: 'SUBSCRIBE with a body',
      bytes: (watched) => frameBytes('SUBSCRIBE', { destination: watched, id: 's-body', receipt: 'r-subbody' }, 'no bodies here'),
      message: 'SUBSCRIBE frame must not have a body',
      receiptId: 'r-subbody',
    },
    {
      name: 'UNSUBSCRIBE without id',
      bytes: () => frameBytes('UNSUBSCRIBE', { receipt: 'r-unsub' }),
      message: "UNSUBSCRIBE frame must have an 'id' header",
      receiptId: 'r-unsub',
    },
    {
      name: 'SEND naming a transaction that was not begun',
      bytes: (watched) => frameBytes('SEND', { destination: watched, transaction: 'tx-nope', receipt: 'r-tx' }, 'lost'),
      message: "SEND names transaction 'tx-nope', which was not begun",
      receiptId: 'r-tx',
    },
    {
      name: 'COMMIT of a transaction that was not begun',
      bytes: () => frameBytes('COMMIT', { transaction: 'tx-ghost', receipt: 'r-commit' }),
      message: "COMMIT names transaction 'tx-ghost', which was not begun",
      receiptId: 'r-commit',
    },
    {
      name: 'BEGIN without transaction',
      bytes: () => frameBytes('BEGIN', { receipt: 'r-begin' }),
      message: "BEGIN frame must have a 'transaction' header",
      receiptId: 'r-begin',
    },
    {
      name: 'ACK without id (STOMP 1.2)',
      bytes: () => frameBytes('ACK', { 'message-id': 'm-1', receipt: 'r-ack' }),
      message: "ACK frame must have a 'id' header",
      receiptId: 'r-ack',
    },
    {
      name: 'CONNECT accepting only version 2.0',
      connected: false,
      bytes: () => frameBytes('CONNECT', { 'accept-version': '2.0', host: 'localhost', receipt: 'r-v2' }),
      message: "Supported protocol versions are 1.2, 1.1, 1.0; the client accepts '2.0'",
      receiptId: 'r-v2',
    },
    {
      name: 'CONNECT with an invalid heart-beat header',
      connected: false,
      bytes: () => frameBytes('CONNECT', { 'accept-version': '1.2', host: 'localhost', 'heart-beat': 'often' }),
      message: "Invalid 'heart-beat' header 'often': expected two integers, e.g. 10000,10000",
    },
    {
      name: 'SEND to a destination that matches no prefix',
      bytes: () => frameBytes('SEND', { destination: '/nowhere/x', receipt: 'r-nowhere' }, 'lost'),
      message: "SEND to '/nowhere/x': the destination matches no prefix (application prefixes: /app/; broker prefixes: /topic/, /queue/; user prefix: /user/)",
      receiptId: 'r-nowhere',
    },
    {
      name: 'SEND to a broker prefix without its trailing segment (/topic)',
      bytes: () => frameBytes('SEND', { destination: '/topic', receipt: 'r-bare' }, 'lost'),
      message: "SEND to '/topic': the destination matches no prefix (application prefixes: /app/; broker prefixes: /topic/, /queue/; user prefix: /user/)",
      receiptId: 'r-bare',
    },
    // A frame to an /app destination nothing maps is reported, not refused (unless
    // unmappedDestinations is 'error'): test/handlers/unmapped-destinations.e2e-spec.ts.
    {
      name: 'SUBSCRIBE with an unknown ack mode',
      bytes: (watched) => frameBytes('SUBSCRIBE', { destination: watched, id: 's-ack', ack: 'sometimes', receipt: 'r-ackmode' }),
      message: "Invalid ack mode 'sometimes': expected auto, client or client-individual",
      receiptId: 'r-ackmode',
    },
  ];

  it.each(cases)('refuses $name', async (c) => {
    const watcher = await Watcher.start(url(), c.watched);
    const offender = c.connected === false ? await RawStompClient.open(url()) : await RawStompClient.connect(url(), c.connectHeaders);
    try {
      const subscriptionsBefore = subscriptionCount(chat.app);
      offender.write(c.bytes(watcher.destination));
      const message = typeof c.message === 'string' ? c.message : c.message(watcher.destination);
      await expectRefusal(offender, { message, receiptId: c.receiptId });
      expect(offender.frames.map((f) => f.command)).toEqual(c.connected === false ? ['ERROR'] : ['CONNECTED', 'ERROR']);
      expect(subscriptionCount(chat.app)).toBe(subscriptionsBefore);
      await watcher.stillWorks();
    } finally {
      await closeAll(watcher, offender);
    }
  });

  it('answers CONNECT with an unsupported version with a version header listing the supported ones', async () => {
    const client = await RawStompClient.open(url());
    try {
      client.send('CONNECT', { 'accept-version': '2.0', host: 'localhost' });
      const { error } = await expectRefusal(client, { message: "Supported protocol versions are 1.2, 1.1, 1.0; the client accepts '2.0'" });
      expect(error.headers.version).toBe('1.2,1.1,1.0');
    } finally {
      await closeAll(client);
    }
  });

  it('refuses SUBSCRIBE without id in STOMP 1.2 and 1.1, and subscribes nothing', async () => {
    for (const version of ['1.2', '1.1']) {
      const watcher = await Watcher.start(url());
      const offender = await RawStompClient.connect(url(), { 'accept-version': version });
      try {
        const before = subscriptionCount(chat.app);
        offender.send('SUBSCRIBE', { destination: watcher.destination, receipt: 'r-noid' });
        await expectRefusal(offender, { message: "SUBSCRIBE frame must have a 'id' header", receiptId: 'r-noid' });
        expect(subscriptionCount(chat.app)).toBe(before);
        expect(messagesOf(offender)).toEqual([]);
        await watcher.stillWorks();
      } finally {
        await closeAll(watcher, offender);
      }
    }
  });

  it('refuses a duplicate subscription id and drops both subscriptions of the session', async () => {
    const watcher = await Watcher.start(url());
    const offender = await RawStompClient.connect(url());
    try {
      const before = subscriptionCount(chat.app);
      const first = `/topic/${unique('first')}`;
      await subscribe(offender, first, 'dup');
      expect(subscriptionCount(chat.app)).toBe(before + 1);

      offender.send('SUBSCRIBE', { id: 'dup', destination: watcher.destination, receipt: 'r-dup' });
      await expectRefusal(offender, {
        message: `Subscription id 'dup' is already in use by this session (destination '${first}')`,
        receiptId: 'r-dup',
      });
      expect(subscriptionCount(chat.app)).toBe(before);

      await publish(watcher.client, first, 'after the error');
      await watcher.stillWorks();
      expect(messagesOf(offender)).toEqual([]);
    } finally {
      await closeAll(watcher, offender);
    }
  });

  it('stops at the refused frame: frames after it in the same WebSocket message are not processed', async () => {
    const watcher = await Watcher.start(url());
    const offender = await RawStompClient.connect(url());
    try {
      const before = frameBytes('SEND', { destination: watcher.destination, 'content-type': 'text/plain', receipt: 'r-before' }, 'before');
      const bad = frameBytes('SEND', { receipt: 'r-bad' }, 'no destination');
      const after = frameBytes('SEND', { destination: watcher.destination, 'content-type': 'text/plain', receipt: 'r-after' }, 'after');
      offender.write(Buffer.concat([before, bad, after]));

      await expectRefusal(offender, { message: "SEND frame must have a 'destination' header", receiptId: 'r-bad' });
      expect(offender.frames.map((f) => [f.command, f.headers['receipt-id']])).toEqual([
        ['CONNECTED', undefined],
        ['RECEIPT', 'r-before'],
        ['ERROR', 'r-bad'],
      ]);
      // The frame before the bad one was delivered; the one after it was not.
      const marker = unique('marker');
      await publish(watcher.client, watcher.destination, marker);
      expect(messagesOf(watcher.client).map((m) => m.text)).toEqual(['before', marker]);
    } finally {
      await closeAll(watcher, offender);
    }
  });

  // The decoder's verdict on a malformed frame waits its turn behind the frames before it, even when
  // one of them is still in an asynchronous handler: they all take effect and get their RECEIPTs.
  it('processes every frame that precedes a malformed one, even behind an asynchronous handler', async () => {
    const watcher = await Watcher.start(url(), '/topic/messages');
    // The chat closes /topic/messages to client SENDs (the handler's own topic): the broker SEND goes to a topic of its own.
    const queued = `/topic/${unique('queued')}`;
    await subscribe(watcher.client, queued);
    const offender = await RawStompClient.connect(url());
    try {
      offender.write(
        Buffer.concat([
          frameBytes('SEND', { destination: '/app/chat.send', 'content-type': 'application/json', receipt: 'r-app' }, '{"sender":"a","content":"handled"}'),
          frameBytes('SEND', { destination: queued, 'content-type': 'text/plain', receipt: 'r-queued' }, 'queued'),
          Buffer.from('SEND\nnocolonhere\n\n\0'),
        ]),
      );
      await expectRefusal(offender, { message: "Illegal header: 'nocolonhere'" });
      const marker = unique('marker');
      await publish(watcher.client, queued, marker);
      expect(messagesOf(watcher.client).map((m) => m.text)).toEqual(['{"sender":"a","content":"handled"}', 'queued', marker]);
      expect(offender.frames.map((f) => [f.command, f.headers['receipt-id']])).toEqual([
        ['CONNECTED', undefined],
        ['RECEIPT', 'r-app'],
        ['RECEIPT', 'r-queued'],
        ['ERROR', undefined],
      ]);
    } finally {
      await closeAll(watcher, offender);
    }
  });

  it('keeps a session that subscribed before the other one failed receiving the messages that follow', async () => {
    const watcher = await Watcher.start(url(), '/topic/messages');
    const offender = await RawStompClient.connect(url());
    try {
      offender.send('SHOUT', { receipt: 'r-shout' });
      await offender.nextFrame('ERROR');
      await offender.waitClosed();

      // The chat handler still works for the watcher, through /app.
      watcher.client.send('SEND', { destination: '/app/chat.send', 'content-type': 'application/json', receipt: 'ok' }, JSON.stringify({ sender: 'w', content: 'still here' }));
      const message = await watcher.client.nextFrame('MESSAGE');
      expect(JSON.parse(message.text)).toEqual({ sender: 'w', content: 'still here' });
      expect(message.headers.destination).toBe('/topic/messages');
    } finally {
      await closeAll(watcher, offender);
    }
  });
});
