import { Module } from '@nestjs/common';
import { StompModule } from 'nest-stomp';
import { AppModule } from '../../apps/chat/src/app.module.js';
import { useApp } from '../support/apps.js';
import { RawStompClient } from '../support/raw-stomp-client.js';
import { closeAll, expectRefusal, messagesOf, receiptFor, waitMessages, Watcher } from '../support/raw-frames.js';
import { unique } from '../support/unique.js';

const SMALL = { maxFrameSize: 1024, maxHeaders: 5, maxHeaderLineLength: 200 } as const;

@Module({ imports: [StompModule.forRoot({ endpoint: '/stomp', ...SMALL })] })
class SmallFramesModule {}

/** A SEND of exactly `size` bytes, NUL included, whose body is `fill` repeated. */
function sendOfSize(size: number, destination: string, receipt: string, fill = 'x', contentLength = false): { bytes: Buffer; body: string } {
  const headers = `SEND\ndestination:${destination}\ncontent-type:text/plain\nreceipt:${receipt}\n`;
  const lengthLine = (n: number) => (contentLength ? `content-length:${n}\n` : '');
  // The content-length line's own width depends on the body length: settle it by trying.
  let bodyLength = size - Buffer.byteLength(headers) - 2;
  while (Buffer.byteLength(headers + lengthLine(bodyLength)) + 1 + bodyLength + 1 > size) bodyLength--;
  const body = fill.repeat(bodyLength);
  return { bytes: Buffer.from(`${headers}${lengthLine(bodyLength)}\n${body}\0`), body };
}

describe('frame size limits', () => {
  describe('default limit: 64 KiB (chat app)', () => {
    const chat = useApp(AppModule);
    const url = () => `${chat.wsUrl}/portfolio/websocket`;

    it('refuses a 70 KiB SEND body without content-length and delivers nothing of it', async () => {
      const watcher = await Watcher.start(url());
      const offender = await RawStompClient.connect(url());
      try {
        offender.send('SEND', { destination: watcher.destination, 'content-type': 'text/plain', receipt: 'r-big' }, 'x'.repeat(70 * 1024));
        await expectRefusal(offender, { message: 'Frame exceeds the size limit of 65536 bytes (option maxFrameSize)', receiptId: 'r-big' });
        expect(offender.frames.map((f) => f.command)).toEqual(['CONNECTED', 'ERROR']);
        await watcher.stillWorks();
      } finally {
        await closeAll(watcher, offender);
      }
    });

    it('refuses a 70 KiB SEND body with content-length, from the header alone', async () => {
      const watcher = await Watcher.start(url());
      const offender = await RawStompClient.connect(url());
      try {
        const length = 70 * 1024;
        offender.send('SEND', { destination: watcher.destination, 'content-length': String(length), receipt: 'r-big-cl' }, 'x'.repeat(length));
        await expectRefusal(offender, { message: 'Frame exceeds the size limit of 65536 bytes (option maxFrameSize)', receiptId: 'r-big-cl' });
        await watcher.stillWorks();
      } finally {
        await closeAll(watcher, offender);
      }
    });

    it('accepts a frame of exactly 65536 bytes and refuses one of 65537', async () => {
      const watcher = await Watcher.start(url());
      const client = await RawStompClient.connect(url());
      try {
        const fits = sendOfSize(65536, watcher.destination, 'r-fits');
        expect(fits.bytes.length).toBe(65536);
        client.write(fits.bytes);
        await receiptFor(client, 'r-fits');
        const [delivered] = await waitMessages(watcher.client, 1);
        expect(delivered!.text).toBe(fits.body);

        const tooBig = sendOfSize(65537, watcher.destination, 'r-too-big');
        expect(tooBig.bytes.length).toBe(65537);
        client.write(tooBig.bytes);
        await expectRefusal(client, { message: 'Frame exceeds the size limit of 65536 bytes (option maxFrameSize)', receiptId: 'r-too-big' });

        const marker = unique('marker');
        watcher.client.send('SEND', { destination: watcher.destination, receipt: 'm' }, marker);
        await receiptFor(watcher.client, 'm');
        expect(messagesOf(watcher.client).map((m) => m.text)).toEqual([fits.body, marker]);
      } finally {
        await closeAll(watcher, client);
      }
    });
  });

  describe('maxFrameSize: 1024, maxHeaders: 5, maxHeaderLineLength: 200', () => {
    const server = useApp(SmallFramesModule);
    const url = () => `${server.wsUrl}/stomp`;

    it('refuses a 2000-byte SEND', async () => {
      const watcher = await Watcher.start(url());
      const offender = await RawStompClient.connect(url());
      try {
        offender.send('SEND', { destination: watcher.destination, receipt: 'r' }, 'y'.repeat(2000));
        await expectRefusal(offender, { message: 'Frame exceeds the size limit of 1024 bytes (option maxFrameSize)', receiptId: 'r' });
        await watcher.stillWorks();
      } finally {
        await closeAll(watcher, offender);
      }
    });

    it('accepts exactly 1024 bytes, with and without content-length, and refuses 1025', async () => {
      const watcher = await Watcher.start(url());
      const client = await RawStompClient.connect(url());
      try {
        const bodies: string[] = [];
        for (const contentLength of [false, true]) {
          const fits = sendOfSize(1024, watcher.destination, `fits-${contentLength}`, contentLength ? 'L' : 'z', contentLength);
          expect(fits.bytes.length).toBe(1024);
          client.write(fits.bytes);
          await receiptFor(client, `fits-${contentLength}`);
          bodies.push(fits.body);
        }
        expect((await waitMessages(watcher.client, 2)).map((m) => m.text)).toEqual(bodies);

        const over = sendOfSize(1025, watcher.destination, 'over', 'z', true);
        expect(over.bytes.length).toBe(1025);
        client.write(over.bytes);
        await expectRefusal(client, { message: 'Frame exceeds the size limit of 1024 bytes (option maxFrameSize)', receiptId: 'over' });
        await receiptFor(watcher.client, (await publishMarker(watcher)).receipt);
        expect(messagesOf(watcher.client)).toHaveLength(3);
      } finally {
        await closeAll(watcher, client);
      }
    });

    it('refuses an oversized frame as it streams in, before its NUL arrives', async () => {
      const watcher = await Watcher.start(url());
      const offender = await RawStompClient.connect(url());
      try {
        offender.write(`SEND\ndestination:${watcher.destination}\n\n${'a'.repeat(600)}`);
        offender.write('b'.repeat(600));
        // No NUL sent: the server cannot be waiting for the end of the frame.
        await expectRefusal(offender, { message: 'Frame exceeds the size limit of 1024 bytes (option maxFrameSize)' });
        await watcher.stillWorks();
      } finally {
        await closeAll(watcher, offender);
      }
    });

    it('refuses a too-large content-length as soon as the headers are in, before any body', async () => {
      const watcher = await Watcher.start(url());
      const offender = await RawStompClient.connect(url());
      try {
        offender.write(`SEND\ndestination:${watcher.destination}\ncontent-length:2000\n\n`);
        await expectRefusal(offender, { message: 'Frame exceeds the size limit of 1024 bytes (option maxFrameSize)' });
        await watcher.stillWorks();
      } finally {
        await closeAll(watcher, offender);
      }
    });

    it('refuses a content-length that fits alone but not with the headers', async () => {
      const watcher = await Watcher.start(url());
      const offender = await RawStompClient.connect(url());
      try {
        offender.write(`SEND\ndestination:${watcher.destination}\ncontent-length:1000\n\n`);
        await expectRefusal(offender, { message: 'Frame exceeds the size limit of 1024 bytes (option maxFrameSize)' });
        await watcher.stillWorks();
      } finally {
        await closeAll(watcher, offender);
      }
    });

    it('accepts 5 headers and refuses 6', async () => {
      const watcher = await Watcher.start(url());
      const client = await RawStompClient.connect(url());
      try {
        client.send('SEND', { destination: watcher.destination, receipt: 'five', a: '1', b: '2', c: '3' }, 'five headers');
        await receiptFor(client, 'five');
        client.send('SEND', { destination: watcher.destination, receipt: 'six', a: '1', b: '2', c: '3', d: '4' }, 'six headers');
        await expectRefusal(client, { message: 'Frame has more than the limit of 5 headers' });
        const marker = await publishMarker(watcher);
        await receiptFor(watcher.client, marker.receipt);
        expect(messagesOf(watcher.client).map((m) => m.text)).toEqual(['five headers', marker.body]);
      } finally {
        await closeAll(watcher, client);
      }
    });

    it('refuses a header line longer than 200 bytes', async () => {
      const watcher = await Watcher.start(url());
      const offender = await RawStompClient.connect(url());
      try {
        offender.send('SEND', { destination: watcher.destination, 'x-long': 'l'.repeat(200) }, 'lost');
        await expectRefusal(offender, { message: 'A command or header line is longer than the limit of 200 bytes' });
        await watcher.stillWorks();
      } finally {
        await closeAll(watcher, offender);
      }
    });

    it('closes with 1009, without an ERROR frame, a WebSocket message over 4 x maxFrameSize', async () => {
      const watcher = await Watcher.start(url());
      const offender = await RawStompClient.connect(url());
      try {
        offender.send('SEND', { destination: watcher.destination }, 'w'.repeat(4 * 1024));
        const close = await offender.waitClosed();
        expect(close.code).toBe(1009);
        expect(offender.frames.map((f) => f.command)).toEqual(['CONNECTED']);
        await watcher.stillWorks();
      } finally {
        await closeAll(watcher, offender);
      }
    });

    it('accepts several frames in one WebSocket message, each within the limit', async () => {
      const watcher = await Watcher.start(url());
      const client = await RawStompClient.connect(url());
      try {
        const frames = [0, 1, 2].map((i) => sendOfSize(1000, watcher.destination, `multi-${i}`, String(i)));
        client.write(Buffer.concat(frames.map((f) => f.bytes)));
        await receiptFor(client, 'multi-2');
        const messages = await waitMessages(watcher.client, 3);
        expect(messages.map((m) => m.text)).toEqual(frames.map((f) => f.body));
      } finally {
        await closeAll(watcher, client);
      }
    });
  });
});

async function publishMarker(watcher: Watcher): Promise<{ body: string; receipt: string }> {
  const body = unique('marker');
  const receipt = unique('marker-receipt');
  watcher.client.send('SEND', { destination: watcher.destination, 'content-type': 'text/plain', receipt }, body);
  return { body, receipt };
}
