import { StompSessionRegistry } from 'nest-stomp';
import { AppModule } from '../../apps/chat/src/app.module.js';
import { useApp } from '../support/apps.js';
import { RawStompClient } from '../support/raw-stomp-client.js';
import { closeAll, frameBytes, messagesOf, publish, RawTap, receiptFor, subscribe, waitMessages } from '../support/raw-frames.js';
import { unique } from '../support/unique.js';

/** CONNECT/CONNECTED, version negotiation, and header escaping as each version writes it. */
describe('session: CONNECT, versions and header escaping', () => {
  const chat = useApp(AppModule);
  const url = () => `${chat.wsUrl}/portfolio/websocket`;

  /** Opens a connection and sends `command` with `headers`; resolves with the client and the CONNECTED. */
  async function connectWith(command: 'CONNECT' | 'STOMP', headers: Record<string, string>) {
    const client = await RawStompClient.open(url());
    client.write(frameBytes(command, headers));
    const connected = await client.nextFrame('CONNECTED');
    return { client, connected };
  }

  it.each(['CONNECT', 'STOMP'] as const)('answers %s with CONNECTED carrying version, heart-beat, session and server', async (command) => {
    const { client, connected } = await connectWith(command, { 'accept-version': '1.2', host: 'localhost' });
    try {
      expect({ ...connected.headers }).toEqual({
        version: '1.2',
        'heart-beat': '10000,10000',
        session: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/),
        server: 'nest-stomp',
      });
      expect(connected.body.length).toBe(0);
      // The session id names the server-side session.
      const session = chat.app.get(StompSessionRegistry).get(connected.headers.session!);
      expect(session?.isConnected).toBe(true);
      const topic = `/topic/${unique(command)}`;
      await subscribe(client, topic);
      await publish(client, topic, `connected by ${command}`);
      expect((await waitMessages(client, 1))[0]!.text).toBe(`connected by ${command}`);
    } finally {
      await closeAll(client);
    }
  });

  it('gives every session its own id', async () => {
    const a = await connectWith('CONNECT', { 'accept-version': '1.2' });
    const b = await connectWith('CONNECT', { 'accept-version': '1.2' });
    try {
      expect(a.connected.headers.session).not.toBe(b.connected.headers.session);
    } finally {
      await closeAll(a.client, b.client);
    }
  });

  it.each([
    ['1.0,1.1', '1.1'],
    ['1.1,1.0', '1.1'],
    ['1.2', '1.2'],
    ['1.0,1.1,1.2', '1.2'],
    ['1.1', '1.1'],
    ['1.0', '1.0'],
    [' 1.0 , 1.1 ', '1.1'],
    ['1.3,1.1', '1.1'],
    [undefined, '1.0'],
  ])('negotiates accept-version %p to %s', async (acceptVersion, version) => {
    const headers: Record<string, string> = { host: 'localhost' };
    if (acceptVersion !== undefined) headers['accept-version'] = acceptVersion;
    const { client, connected } = await connectWith('CONNECT', headers);
    try {
      expect(connected.headers.version).toBe(version);
      expect(chat.app.get(StompSessionRegistry).get(connected.headers.session!)?.version).toBe(version);
    } finally {
      await closeAll(client);
    }
  });

  it('sends no RECEIPT for a receipt header on CONNECT', async () => {
    const { client } = await connectWith('CONNECT', { 'accept-version': '1.2', receipt: 'r-connect' });
    try {
      client.send('SUBSCRIBE', { id: 's', destination: `/topic/${unique('x')}`, receipt: 'r-sub' });
      await receiptFor(client, 'r-sub');
      expect(client.frames.map((f) => [f.command, f.headers['receipt-id']])).toEqual([
        ['CONNECTED', undefined],
        ['RECEIPT', 'r-sub'],
      ]);
    } finally {
      await closeAll(client);
    }
  });

  describe('header escaping on MESSAGE, per subscriber version', () => {
    it('escapes : \\ and LF as \\c \\\\ \\n for 1.2 and 1.1 subscribers (raw bytes), and the value arrives unescaped', async () => {
      const topic = `/topic/${unique('escape')}`;
      const s12 = await RawStompClient.connect(url(), { 'accept-version': '1.2' });
      const s11 = await RawStompClient.connect(url(), { 'accept-version': '1.1' });
      const sender = await RawStompClient.connect(url(), { 'accept-version': '1.2' });
      const taps = [new RawTap(s12), new RawTap(s11)];
      try {
        await subscribe(s12, topic, 'sub-12');
        await subscribe(s11, topic, 'sub-11');
        // A 1.2 sender writes the escapes; the server unescapes them and escapes again per subscriber.
        sender.write(frameBytes('SEND', { destination: topic, 'x-colon': 'a\\cb', 'x-backslash': 'c:\\\\dir', 'x-lines': 'one\\ntwo', receipt: 'r' }, 'escaped'));
        await receiptFor(sender, 'r');
        for (const [i, client] of [s12, s11].entries()) {
          const [message] = await waitMessages(client, 1);
          expect(message!.headers['x-colon']).toBe('a:b');
          expect(message!.headers['x-backslash']).toBe('c:\\dir');
          expect(message!.headers['x-lines']).toBe('one\ntwo');
          const raw = taps[i]!.find('escaped')!.toString('utf8');
          expect(raw).toContain('\nx-colon:a\\cb\n');
          expect(raw).toContain('\nx-backslash:c\\c\\\\dir\n');
          expect(raw).toContain('\nx-lines:one\\ntwo\n');
        }
      } finally {
        await closeAll(s12, s11, sender);
      }
    });

    it('escapes CR as \\r for a 1.2 subscriber', async () => {
      const topic = `/topic/${unique('cr')}`;
      const s12 = await RawStompClient.connect(url(), { 'accept-version': '1.2' });
      const tap = new RawTap(s12);
      try {
        await subscribe(s12, topic);
        s12.write(frameBytes('SEND', { destination: topic, 'x-cr': 'a\\rb', receipt: 'r' }, 'with cr'));
        await receiptFor(s12, 'r');
        const [message] = await waitMessages(s12, 1);
        expect(message!.headers['x-cr']).toBe('a\rb');
        expect(tap.find('with cr')!.toString('utf8')).toContain('\nx-cr:a\\rb\n');
      } finally {
        await closeAll(s12);
      }
    });

    it('writes a colon unescaped for a 1.0 subscriber', async () => {
      const topic = `/topic/${unique('v10')}`;
      const s10 = await RawStompClient.connect(url(), { 'accept-version': '1.0' });
      const sender = await RawStompClient.connect(url(), { 'accept-version': '1.2' });
      const tap = new RawTap(s10);
      try {
        await subscribe(s10, topic, 'sub-10');
        sender.write(frameBytes('SEND', { destination: topic, 'x-time': '12\\c30\\c00', receipt: 'r' }, 'to 1.0'));
        await receiptFor(sender, 'r');
        const [message] = await waitMessages(s10, 1);
        expect(message!.headers['x-time']).toBe('12:30:00');
        expect(tap.find('to 1.0')!.toString('utf8')).toContain('\nx-time:12:30:00\n');
      } finally {
        await closeAll(s10, sender);
      }
    });

    it('takes a 1.0 sender’s backslashes literally (1.0 has no escaping)', async () => {
      const topic = `/topic/${unique('from10')}`;
      const s12 = await RawStompClient.connect(url(), { 'accept-version': '1.2' });
      const sender = await RawStompClient.connect(url(), { 'accept-version': '1.0' });
      const tap = new RawTap(s12);
      try {
        await subscribe(s12, topic);
        // In 1.0, `\t` is no escape error and `\c` no colon: the value is these bytes.
        sender.write(frameBytes('SEND', { destination: topic, 'x-path': 'C\\temp\\cache', receipt: 'r' }, 'from 1.0'));
        await receiptFor(sender, 'r');
        const [message] = await waitMessages(s12, 1);
        expect(message!.headers['x-path']).toBe('C\\temp\\cache');
        expect(tap.find('from 1.0')!.toString('utf8')).toContain('\nx-path:C\\\\temp\\\\cache\n');
      } finally {
        await closeAll(s12, sender);
      }
    });

    it('unescapes a 1.1 sender’s \\c and \\n', async () => {
      const topic = `/topic/${unique('from11')}`;
      const s12 = await RawStompClient.connect(url(), { 'accept-version': '1.2' });
      const sender = await RawStompClient.connect(url(), { 'accept-version': '1.1' });
      try {
        await subscribe(s12, topic);
        sender.write(frameBytes('SEND', { destination: topic, 'x-v': 'k\\cv\\nnext', receipt: 'r' }, 'from 1.1'));
        await receiptFor(sender, 'r');
        expect((await waitMessages(s12, 1))[0]!.headers['x-v']).toBe('k:v\nnext');
      } finally {
        await closeAll(s12, sender);
      }
    });

    it('escapes the subscription id in the subscription header', async () => {
      const topic = `/topic/${unique('subid')}`;
      const s12 = await RawStompClient.connect(url(), { 'accept-version': '1.2' });
      const tap = new RawTap(s12);
      try {
        s12.write(frameBytes('SUBSCRIBE', { id: 'room\\c42', destination: topic, receipt: 'r-sub' }));
        await receiptFor(s12, 'r-sub');
        await publish(s12, topic, 'sub id');
        const [message] = await waitMessages(s12, 1);
        expect(message!.headers.subscription).toBe('room:42');
        expect(tap.find('sub id')!.toString('utf8')).toContain('\nsubscription:room\\c42\n');
      } finally {
        await closeAll(s12);
      }
    });

    // A header value an older subscriber's version cannot carry (LF for 1.0, CR for 1.1) is left out
    // of that subscriber's MESSAGE; everyone else gets it whole, and the sender is not blamed.
    // (Before commit 8e4ec06 the encoder threw mid fan-out: the sender got
    //   ERROR message:Failed to process SEND: Header 'x-h' of a MESSAGE frame cannot be written in STOMP 1.0: ...
    // and later subscribers got nothing.)
    it('leaves a LF header out of a 1.0 subscriber’s MESSAGE only; the sender and later subscribers are unaffected', async () => {
      const topic = `/topic/${unique('lf10')}`;
      const early = await RawStompClient.connect(url(), { 'accept-version': '1.2' });
      const s10 = await RawStompClient.connect(url(), { 'accept-version': '1.0' });
      const late = await RawStompClient.connect(url(), { 'accept-version': '1.1' });
      const sender = await RawStompClient.connect(url(), { 'accept-version': '1.2' });
      try {
        await subscribe(early, topic);
        await subscribe(s10, topic, 'sub-10');
        await subscribe(late, topic);
        sender.send('SEND', { destination: topic, 'content-type': 'text/plain', 'x-h': 'line1\\nline2', 'x-ok': 'kept', receipt: 'r' }, 'hi');
        await sender.until(() => sender.frames.some((f) => f.command !== 'CONNECTED'), 'RECEIPT or ERROR');
        expect(sender.frames.map((f) => f.command)).toEqual(['CONNECTED', 'RECEIPT']);
        for (const client of [early, late]) {
          const [message] = await waitMessages(client, 1);
          expect(message!.headers['x-h']).toBe('line1\nline2');
          expect(message!.headers['x-ok']).toBe('kept');
        }
        const [old] = await waitMessages(s10, 1);
        expect(old!.text).toBe('hi');
        expect(old!.headers['x-h']).toBeUndefined();
        expect(old!.headers['x-ok']).toBe('kept');
        expect(old!.headers.subscription).toBe('sub-10');
      } finally {
        await closeAll(early, s10, late, sender);
      }
    });

    it('leaves a CR header out of a 1.1 subscriber’s MESSAGE only', async () => {
      const topic = `/topic/${unique('cr11')}`;
      const s11 = await RawStompClient.connect(url(), { 'accept-version': '1.1' });
      const s12 = await RawStompClient.connect(url(), { 'accept-version': '1.2' });
      const sender = await RawStompClient.connect(url(), { 'accept-version': '1.2' });
      try {
        await subscribe(s11, topic);
        await subscribe(s12, topic);
        sender.send('SEND', { destination: topic, 'content-type': 'text/plain', 'x-h': 'a\\rb', receipt: 'r' }, 'hi');
        await sender.until(() => sender.frames.some((f) => f.command !== 'CONNECTED'), 'RECEIPT or ERROR');
        expect(sender.frames.map((f) => f.command)).toEqual(['CONNECTED', 'RECEIPT']);
        expect((await waitMessages(s12, 1))[0]!.headers['x-h']).toBe('a\rb');
        const [old] = await waitMessages(s11, 1);
        expect(old!.text).toBe('hi');
        expect(old!.headers['x-h']).toBeUndefined();
      } finally {
        await closeAll(s11, s12, sender);
      }
    });
  });

  describe('STOMP 1.0 sessions', () => {
    it('subscribe without id (the destination names the subscription) and unsubscribe by destination', async () => {
      const topic = `/topic/${unique('v10sub')}`;
      const s10 = await RawStompClient.connect(url(), { 'accept-version': '1.0' });
      try {
        s10.send('SUBSCRIBE', { destination: topic, receipt: 'r-sub' });
        await receiptFor(s10, 'r-sub');
        await publish(s10, topic, 'one');
        const [message] = await waitMessages(s10, 1);
        expect(message!.headers.subscription).toBe(topic);
        s10.send('UNSUBSCRIBE', { destination: topic, receipt: 'r-unsub' });
        await receiptFor(s10, 'r-unsub');
        await publish(s10, topic, 'two');
        expect(messagesOf(s10).map((m) => m.text)).toEqual(['one']);
      } finally {
        await closeAll(s10);
      }
    });
  });
});
