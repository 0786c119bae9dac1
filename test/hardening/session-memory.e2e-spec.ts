import { jest } from '@jest/globals';
import { Logger, Module } from '@nestjs/common';
import { StompModule } from 'nest-stomp';
import { startApp, type RunningApp } from '../support/apps.js';
import { frameBytes, expectRefusal, receiptFor, Watcher } from '../support/raw-frames.js';
import { RawStompClient } from '../support/raw-stomp-client.js';

jest.setTimeout(30_000);

const KIB = 1024;

@Module({ imports: [StompModule.forRoot({ endpoint: '/ws', maxFramesPerSecond: 100_000 })] })
class DefaultLimitsModule {}

@Module({ imports: [StompModule.forRoot({ endpoint: '/ws', incompleteFrameTimeout: 1500, minFrameDataRate: 1024 })] })
class ShortFrameDeadlineModule {}

@Module({ imports: [StompModule.forRoot({ endpoint: '/ws', incompleteFrameTimeout: 60_000, minFrameDataRate: 1024 })] })
class MinimumRateModule {}

function useServer(module: unknown): () => RunningApp {
  let server: RunningApp | undefined;
  beforeAll(async () => {
    server = await startApp(module);
  });
  afterAll(async () => {
    await server?.close();
  });
  return () => server!;
}

describe('hardening: what one session can make the server hold', () => {
  let warn: jest.SpiedFunction<Logger['warn']>;
  beforeAll(() => {
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });
  afterAll(() => warn.mockRestore());

  describe('open transactions (maxTransactionBytes, 16 × maxFrameSize by default)', () => {
    const server = useServer(DefaultLimitsModule);

    it('refuses the SEND that would make 16 open transactions hold over 1 MiB, instead of pinning a gigabyte', async () => {
      const url = `${server().wsUrl}/ws`;
      const watcher = await Watcher.start(url);
      const client = await RawStompClient.connect(url);
      for (let t = 0; t < 16; t++) client.send('BEGIN', { transaction: `t${t}` });
      const body = 'x'.repeat(64 * KIB - 512);
      let accepted = 0;
      // The attack went on for 1000 SENDs per transaction; the budget stops it within the first MiB.
      for (let i = 0; i < 200 && !client.closed; i++) {
        client.send('SEND', { destination: '/topic/held', transaction: `t${i % 16}`, receipt: `r${i}` }, body);
        const answered = (f: { command: string; headers: Record<string, string | undefined> }) =>
          f.command === 'ERROR' || (f.command === 'RECEIPT' && f.headers['receipt-id'] === `r${i}`);
        await client.until(() => client.frames.some(answered), `the answer to SEND r${i}`);
        if (client.frames.some((f) => f.command === 'ERROR')) break;
        accepted++;
      }
      expect(accepted).toBe(Math.floor((1024 * KIB) / (body.length + 256)));
      const error = client.frames.find((f) => f.command === 'ERROR')!;
      expect(error.headers.message).toBe('Transactions would hold more than 1048576 bytes (option maxTransactionBytes): COMMIT or ABORT first');
      expect(error.headers['receipt-id']).toBe(`r${accepted}`);
      expect((await client.waitClosed()).code).toBe(1002);
      await watcher.stillWorks();
      await watcher.client.disconnect();
    });
  });

  describe('a frame that stays incomplete (incompleteFrameTimeout 1500 ms)', () => {
    const server = useServer(ShortFrameDeadlineModule);

    it('closes a session whose frame never completes, with an ERROR naming the option', async () => {
      const client = await RawStompClient.connect(`${server().wsUrl}/ws`);
      const frame = frameBytes('SEND', { destination: '/topic/never', 'content-length': '60000' }, 'y'.repeat(60000));
      client.write(frame.subarray(0, frame.length - 100));
      await expectRefusal(client, { message: 'A frame stayed incomplete for over 1500 ms (option incompleteFrameTimeout)', closeCode: 4500 });
    });

    it('lets a frame split over several WebSocket messages complete as usual', async () => {
      const client = await RawStompClient.connect(`${server().wsUrl}/ws`);
      const frame = frameBytes('SEND', { destination: '/topic/split', receipt: 'whole' }, 'z'.repeat(40_000));
      for (let offset = 0; offset < frame.length; offset += 16 * KIB) client.write(frame.subarray(offset, offset + 16 * KIB));
      expect((await receiptFor(client, 'whole')).headers['receipt-id']).toBe('whole');
      await client.disconnect();
    });
  });

  describe('a drip-fed frame (minFrameDataRate 1024 bytes/s)', () => {
    const server = useServer(MinimumRateModule);

    it('closes a session that feeds its frame a few bytes at a time, long before the incomplete-frame deadline', async () => {
      const client = await RawStompClient.connect(`${server().wsUrl}/ws`);
      const frame = frameBytes('SEND', { destination: '/topic/drip', 'content-length': '60000' }, 'd'.repeat(60000));
      client.write(frame.subarray(0, 60000));
      let offset = 60000;
      // A drip is paced by time by nature; it stops when the server gives up on it.
      const drip = setInterval(() => {
        if (!client.closed) client.write(frame.subarray(offset, ++offset));
      }, 250);
      try {
        // The rate is measured over windows of 5 s.
        await client.until(() => client.frames.some((f) => f.command === 'ERROR'), 'the ERROR', 10_000);
        const error = client.frames.find((f) => f.command === 'ERROR')!;
        expect(error.headers.message).toMatch(/^A frame arrives at \d+ bytes per second, under the minimum of 1024 \(option minFrameDataRate\)$/);
        expect((await client.waitClosed()).code).toBe(4500);
      } finally {
        clearInterval(drip);
      }
    });
  });
});
