import { Module } from '@nestjs/common';
import { StompEvents, StompModule, StompSessionRegistry, type StompEvent } from 'nest-stomp';
import { startApp } from '../support/apps.js';
import { stompFrameOf } from '../support/frame-reading.js';
import { RawStompClient } from '../support/raw-stomp-client.js';
import { frameBytes, messagesOf, receiptFor, subscribe } from '../support/raw-frames.js';
import { SockJsWebSocket } from '../support/sockjs-websocket.js';
import { TimerTracker, within } from '../support/timers.js';
import { netSocketOf, wsHandshake } from '../support/websockets.js';

const KIB = 1024;
const BODY = 256 * KIB;
const BIG_MESSAGES = 8;

@Module({
  imports: [
    StompModule.forRoot({
      endpoint: { path: '/ws', sockJs: true },
      maxFrameSize: 512 * KIB,
      // The reader below is paused on purpose while 2 MiB wait for it: not a slow consumer here.
      sendBufferSizeLimit: 64 * 1024 * KIB,
      heartbeat: [1000, 1000],
    }),
  ],
})
class ShutdownModule {}

describe('hardening: graceful shutdown (app.close())', () => {
  it('flushes what was sent, tells every client (ERROR, close 1001), refuses newcomers (503; SockJS: ERROR), and leaves no timer behind', async () => {
    const timers = TimerTracker.start();
    try {
      const server = await startApp(ShutdownModule);
      const url = `${server.wsUrl}/ws`;
      const events: StompEvent[] = [];
      server.app.get(StompEvents).events$.subscribe((e) => events.push(e));

      // Clients in every state: connected with heart-beats, subscribed, not yet CONNECTed, over SockJS.
      const idle = await RawStompClient.connect(url, { 'heart-beat': '1000,1000' });
      const reader = await RawStompClient.connect(url);
      const writer = await RawStompClient.connect(url);
      const unconnected = await RawStompClient.open(url);
      const sockJs = await SockJsWebSocket.open(server.wsUrl, '/ws');
      sockJs.send('CONNECT\naccept-version:1.2\nheart-beat:0,0\n\n\0');
      await sockJs.until(() => sockJs.messages.length > 0, 'CONNECTED over SockJS');
      expect(stompFrameOf(sockJs.messages[0]!).command).toBe('CONNECTED');
      const raw = [idle, reader, writer, unconnected];

      // The reader stops reading, so what the server sends it is still in the server's buffers when close begins.
      await subscribe(reader, '/topic/last-words');
      netSocketOf(reader.socket).pause();
      for (let i = 0; i < BIG_MESSAGES; i++) {
        const receipt: Record<string, string> = i === BIG_MESSAGES - 1 ? { receipt: 'all-sent' } : {};
        writer.write(frameBytes('SEND', { destination: '/topic/last-words', 'content-type': 'text/plain', ...receipt }, String(i).repeat(BODY)));
      }
      await receiptFor(writer, 'all-sent');

      const closing = server.app.close();
      // Close has begun once the first client hears of it.
      const notice = await idle.nextFrame('ERROR');
      expect(notice.headers.message).toBe('Server is shutting down');
      const newcomer = await wsHandshake(url);
      newcomer.socket?.terminate();
      expect([newcomer.status, newcomer.body]).toEqual([503, 'Server is shutting down']);
      const sockJsNewcomer = await SockJsWebSocket.open(server.wsUrl, '/ws');
      await sockJsNewcomer.until(() => sockJsNewcomer.sockJsClose !== undefined, 'the SockJS newcomer to be turned away');
      expect(stompFrameOf(sockJsNewcomer.messages[0]!).headers.message).toBe('Server is shutting down');
      expect(Number(sockJsNewcomer.sockJsClose!.code)).toBe(1001);

      netSocketOf(reader.socket).resume();
      await within(closing, 10_000, 'app.close()');

      for (const client of raw) {
        expect((await client.waitClosed()).code).toBe(1001);
        const last = client.frames.at(-1)!;
        expect([last.command, last.headers.message]).toEqual(['ERROR', 'Server is shutting down']);
        expect(client.frames.filter((f) => f.command === 'ERROR')).toHaveLength(1);
      }
      // Every message confirmed before the shutdown reached the reader, before the ERROR.
      const delivered = messagesOf(reader, '/topic/last-words');
      expect(delivered.map((m) => m.text.length)).toEqual(Array(BIG_MESSAGES).fill(BODY));
      expect(delivered.map((m) => m.text[0])).toEqual(Array.from({ length: BIG_MESSAGES }, (_, i) => String(i)));

      await sockJs.until(() => sockJs.sockJsClose !== undefined, 'the SockJS close frame');
      expect(stompFrameOf(sockJs.messages.at(-1)!).headers.message).toBe('Server is shutting down');
      expect(Number(sockJs.sockJsClose!.code)).toBe(1001);

      const sessionIds = [idle, reader, writer].map((c) => c.frames[0]!.headers.session);
      const reasons = events.filter((e): e is Extract<StompEvent, { type: 'disconnect' }> => e.type === 'disconnect').map((e) => [e.session.id, e.reason]);
      expect(reasons).toEqual(expect.arrayContaining(sessionIds.map((id) => [id, 'shutdown'])));
      expect(reasons).toHaveLength(4);
      expect(server.app.get(StompSessionRegistry).size).toBe(0);

      // The port is closed now.
      await expect(wsHandshake(url)).rejects.toThrow(/ECONNREFUSED/);
      await sockJs.until(() => sockJs.closed, 'the SockJS socket to close');
      // Heart-beats, connect timeouts, SockJS's timers...: all cleared.
      expect(timers.live()).toEqual([]);
    } finally {
      timers.stop();
    }
  });
});
