import { jest } from '@jest/globals';
import { Module } from '@nestjs/common';
import { WebSocket, type WebSocketServer } from 'ws';
import { StompModule, StompSessionRegistry } from 'nest-stomp';
import { StompServer } from '../../libs/stomp/src/transport/stomp.server.js';
import { useApp } from '../support/apps.js';
import { disconnectOf } from '../support/events.js';
import { stompFrameOf } from '../support/frame-reading.js';
import { RawStompClient } from '../support/raw-stomp-client.js';
import { closeAll } from '../support/raw-frames.js';
import { within } from '../support/timers.js';
import { netSocketOf, stompConnect } from '../support/websockets.js';

/** Long enough that a busy event loop (client and server share it) never delays a pong past a sweep. */
const PING_INTERVAL = 500;

// The closing-handshake test waits out the server's 5 s.
jest.setTimeout(20_000);

@Module({ imports: [StompModule.forRoot({ endpoint: '/ws', pingInterval: PING_INTERVAL })] })
class KeepAliveModule {}

/** The server's own WebSocket server: what sockets it still holds, whatever the sessions say. */
function serverSockets(app: ReturnType<typeof useApp>['app']): Set<WebSocket> {
  return (app.get(StompServer) as unknown as { wss: WebSocketServer }).wss.clients;
}

function openNotAnsweringPings(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, ['v12.stomp'], { autoPong: false });
    socket.once('open', () => resolve(socket));
    socket.once('error', reject);
  });
}

describe('hardening: dead WebSocket peers, whatever their heart-beats (pingInterval 500 ms)', () => {
  const server = useApp(KeepAliveModule);
  const url = () => `${server.wsUrl}/ws`;

  it('closes a connection that declined heart-beats and answers no ping; one that answers stays', async () => {
    const answering = await RawStompClient.connect(url(), { 'heart-beat': '0,0' });
    const silent = await openNotAnsweringPings(url());
    try {
      // stompConnect declines heart-beats: nothing but the pings can find this peer dead.
      const connected = stompFrameOf(await stompConnect(silent));
      expect(connected.command).toBe('CONNECTED');
      const gone = disconnectOf(server.app, connected.headers.session!);
      const closed = new Promise<number>((resolve) => silent.once('close', (code: number) => resolve(code)));

      expect((await within(gone, 5000, 'the silent peer to be cut off')).reason).toBe('transport');
      // Terminated, not closed politely: no close frame is owed to a peer that does not answer.
      expect(await closed).toBe(1006);

      // The answering client has been pinged past that point, answered each time, and is still served.
      let pings = 0;
      await new Promise<void>((resolve) => answering.socket.on('ping', () => ++pings === 3 && resolve()));
      expect(answering.closed).toBeUndefined();
      expect(server.app.get(StompSessionRegistry).size).toBe(1);
    } finally {
      silent.terminate();
      await closeAll(answering);
    }
  });

  it('does not hold the socket of a client that never answers the closing handshake for long', async () => {
    const client = await RawStompClient.connect(url());
    const sockets = serverSockets(server.app);
    const socket = [...sockets].find((s) => s.readyState === WebSocket.OPEN)!;
    const released = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    // The client stops reading: it will see neither the ERROR nor the close frame, and never answer it.
    netSocketOf(client.socket).pause();
    client.write('NOT-A-COMMAND\n\n\0');

    // ws would wait 30 s for the client's close frame; the server gives it 5 s.
    await within(released, 10_000, 'the server to let go of the socket');
    expect(sockets.has(socket)).toBe(false);
    client.terminate();
  });
});
